package io.wsbackup.system;

import io.wsbackup.execution.JobFailures;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A failure reason read back from the job repository (where Spring Batch keeps the whole
 * stack trace as the exit description) is its message only.
 */
class JobFailuresTest {

	@Test
	void anExitDescriptionGivesItsMessageWithoutClassNameOrStackTrace() {
		String stored = """
				io.wsbackup.cloud.CloudException: recovery point rp-20261204031413-10764873 not found in vault mlx-1
					at io.wsbackup.cloud.local.LocalCloud.recoveryPoint(LocalCloud.java:675)
					at io.wsbackup.restore.RestoreStorageTasklet.execute(RestoreStorageTasklet.java:80)
				""";

		assertThat(JobFailures.fromExitDescription(stored))
			.isEqualTo("recovery point rp-20261204031413-10764873 not found in vault mlx-1");
	}

	@Test
	void aPlainMessageStaysAndNothingBecomesTheGenericSentence() {
		assertThat(JobFailures.fromExitDescription("the vault is on fire")).isEqualTo("the vault is on fire");
		assertThat(JobFailures.fromExitDescription("java.lang.NullPointerException\n\tat a.B.c(B.java:1)"))
			.isEqualTo("the step failed unexpectedly; the runner's log has the details");
		assertThat(JobFailures.fromExitDescription("")).isEqualTo("the step failed");
		assertThat(JobFailures.fromExitDescription(null)).isEqualTo("the step failed");
	}

}
