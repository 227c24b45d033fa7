package io.wsbackup.execution;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLTransientException;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/** Tells a store that could not be reached from a failure worth failing a step for. */
final class StoreFailures {

	private StoreFailures() {
	}

	/**
	 * Whether this failure (or one of its causes) says the store could not be reached or
	 * answered transiently: a connection that failed or timed out, a lost transaction.
	 */
	static boolean unreachable(Throwable failure) {
		for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
			if (t instanceof OptimisticLockingFailureException) {
				return false;
			}
			if (t instanceof DataAccessResourceFailureException || t instanceof TransientDataAccessException
					|| t instanceof RecoverableDataAccessException || t instanceof CannotCreateTransactionException
					|| t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
				return true;
			}
			if (t instanceof TransactionSystemException && t.getCause() instanceof SQLException) {
				return true;
			}
			if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether the pool's wait ended with every connection in use (Hikari's
	 * {@link SQLTransientConnectionException} with no cause of its own), not with a
	 * connection failing: nothing reached the store, and the store itself answers.
	 */
	static boolean starvedPool(Throwable failure) {
		for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
			if (t instanceof SQLTransientConnectionException) {
				return t.getCause() == null;
			}
		}
		return false;
	}

	/**
	 * Whether the store refused a write because the record changed under us: another
	 * runner took the execution over, or a commit reported as failed had in fact
	 * succeeded.
	 */
	static boolean conflict(Throwable failure) {
		for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
			if (t instanceof OptimisticLockingFailureException) {
				return true;
			}
		}
		return false;
	}

}
