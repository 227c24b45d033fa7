package io.wsbackup.execution;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

import static org.assertj.core.api.Assertions.assertThat;

/** Which failures mean "the store could not be reached" (wait and try again). */
class StoreFailuresTest {

	static Stream<Arguments> failures() {
		return Stream.of(
				Arguments.of("no pooled connection",
						new CannotGetJdbcConnectionException("Failed to obtain JDBC",
								new SQLTransientConnectionException("request timed out")),
						true, false),
				Arguments.of("wrapped by Spring Batch",
						new IllegalStateException("JobRepository failure forcing rollback",
								new CannotCreateTransactionException("no connection")),
						true, false),
				Arguments.of("a commit on a dead connection",
						new TransactionSystemException("commit failed", new SQLException("gone", "08S01")), true,
						false),
				Arguments.of("a connection exception by SQL state",
						new RuntimeException(new SQLException("x", "08001")), true, false),
				Arguments.of("a record changed under us", new OptimisticLockingFailureException("version 3"), false,
						true),
				Arguments.of("a constraint", new DataIntegrityViolationException("duplicate"), false, false),
				Arguments.of("a step's own failure", new IllegalStateException("the vault is on fire"), false, false));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("failures")
	void classifies(String what, Throwable failure, boolean unreachable, boolean conflict) {
		assertThat(StoreFailures.unreachable(failure)).isEqualTo(unreachable);
		assertThat(StoreFailures.conflict(failure)).isEqualTo(conflict);
	}

}
