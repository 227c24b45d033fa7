package io.wsbackup.execution;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.repository.JobRepository;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The job repository waits out a starved connection pool. With thousands of jobs on one
 * runner, a call of Spring Batch's own (the end of a step, the next step's execution, the
 * job's end) can find every pooled connection in use for longer than the pool's wait
 * ({@code spring.datasource.hikari.connection-timeout}). Its transaction then never
 * began: nothing was written, so the call is made again, up to {@link #ATTEMPTS} times in
 * all, instead of leaving the step UNKNOWN and failing a backup whose snapshots had
 * completed (seen in benchmark 9 at 2,000 backups on a pool of 30).
 * <p>
 * Only that case is tried again: the pool's wait ended with no connection failure behind
 * it (a store that cannot be reached ends the pool's wait with the connection's failure
 * as its cause, and fails as before: {@link StepGuard} and the recovery scan handle it),
 * and the call was not part of a transaction already open on the thread (a chunk's: its
 * failure rolls the whole chunk back, which {@link StepGuard} runs again).
 */
final class StarvedPoolRetry implements InvocationHandler {

	private static final Logger log = LoggerFactory.getLogger(StarvedPoolRetry.class);

	/** Calls in all, each waiting up to the pool's connection timeout. */
	static final int ATTEMPTS = 6;

	private static final long PAUSE_MILLIS = 200;

	private final JobRepository repository;

	private StarvedPoolRetry(JobRepository repository) {
		this.repository = repository;
	}

	static JobRepository wrap(JobRepository repository) {
		return (JobRepository) Proxy.newProxyInstance(StarvedPoolRetry.class.getClassLoader(),
				new Class<?>[] { JobRepository.class }, new StarvedPoolRetry(repository));
	}

	@Override
	public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
		if (method.getDeclaringClass() == Object.class) {
			return switch (method.getName()) {
				case "equals" -> proxy == args[0];
				case "hashCode" -> System.identityHashCode(proxy);
				default -> "retrying " + this.repository;
			};
		}
		boolean own = !TransactionSynchronizationManager.isActualTransactionActive();
		for (int attempt = 1;; attempt++) {
			try {
				return method.invoke(this.repository, args);
			}
			catch (InvocationTargetException ex) {
				Throwable failure = ex.getCause();
				if (!own || attempt >= ATTEMPTS || !StoreFailures.starvedPool(failure)) {
					throw failure;
				}
				log.warn(
						"job repository {}: every pooled connection stayed in use ({}); nothing was written, attempt {}"
								+ " of {} follows",
						method.getName(), failure.getMessage(), attempt + 1, ATTEMPTS);
				try {
					Thread.sleep(PAUSE_MILLIS);
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					throw failure;
				}
			}
		}
	}

}
