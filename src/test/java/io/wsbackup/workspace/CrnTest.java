package io.wsbackup.workspace;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CrnTest {

	@Test
	void formatsAndParsesAWorkspaceCrn() {
		Crn crn = Crn.newWorkspace("us-west-2", "123456789012");
		String text = crn.toString();

		assertThat(text).matches("crn:cdp:ml:us-west-2:123456789012:workspace:[0-9a-f-]{36}");
		assertThat(Crn.parse(text, Crn.WORKSPACE)).isEqualTo(crn);
	}

	@Test
	void aBackupCrnLivesInItsWorkspacesRegionAndAccount() {
		Crn ws = Crn.newWorkspace("eu-central-1", "210987654321");
		Crn backup = Crn.newBackup(ws);

		assertThat(backup.region()).isEqualTo("eu-central-1");
		assertThat(backup.accountId()).isEqualTo("210987654321");
		assertThat(backup.resourceType()).isEqualTo("workspace_backup");
		assertThat(backup.resourceId()).isNotEqualTo(ws.resourceId());
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			value = { "''|a CRN is required", "crn:cdp:ml:us-west-2:123:workspace|is not a CRN: expected",
					"arn:aws:ml:us-west-2:123:workspace:x|is not a CRN: expected",
					"crn:cdp:ml::123:workspace:x|its region", "crn:cdp:ml:us west:123:workspace:x|its region",
					"crn:cdp:ml:us-west-2:123:workspace:|its resource id" })
	void refusesMalformedText(String text, String reason) {
		assertThatThrownBy(() -> Crn.parse(text)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining(reason);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "crn:cdp:ml:us-west-2:123:workspace:not-a-uuid|must be a UUID",
			"crn:cdp:iam:us-west-2:123:workspace:3f2c6a1e-0b7d-4c1a-9a57-0d4e2f8b9c10|is not a workspace CRN",
			"crn:cdp:ml:us-west-2:123:workspace_backup:3f2c6a1e-0b7d-4c1a-9a57-0d4e2f8b9c10|is not a workspace CRN" })
	void refusesACrnOfTheWrongKind(String text, String reason) {
		assertThatThrownBy(() -> Crn.parse(text, Crn.WORKSPACE)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining(reason);
	}

	@Test
	void parsesAnyServicesCrnForCreators() {
		Crn user = Crn.parse("crn:cdp:iam:us-west-1:" + UUID.randomUUID() + ":user:jane@example.com");
		assertThat(user.service()).isEqualTo("iam");
		assertThat(user.resourceId()).isEqualTo("jane@example.com");
	}

}
