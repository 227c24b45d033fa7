package io.wsbackup.execution;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.wsbackup.WsbackupTestSupport;
import org.junit.jupiter.api.Test;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.CannotCreateTransactionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The job repository on a pool of 2 whose wait is 250 ms: while a test thread holds both
 * connections for longer than several of those waits, a step's closing write waits and
 * then lands, instead of failing the step (its context is closed after it: its own pool
 * would otherwise stay open while the suite runs).
 */
@DirtiesContext
@TestPropertySource(properties = { "spring.datasource.hikari.maximum-pool-size=2",
		"spring.datasource.hikari.connection-timeout=250" })
class StarvedPoolRetryTest extends WsbackupTestSupport {

	@Autowired
	DataSource dataSource;

	@Test
	void aStepsClosingWriteWaitsOutAStarvedPoolInsteadOfFailing() throws Exception {
		JobParameters parameters = new JobParametersBuilder().addLong("run", System.nanoTime()).toJobParameters();
		JobInstance instance = jobRepository.createJobInstance("starvedPoolRetryTest", parameters);
		JobExecution job = jobRepository.createJobExecution(instance, parameters, new ExecutionContext());
		StepExecution step = jobRepository.createStepExecution("waiting", job);
		int version = step.getVersion();
		List<Connection> held = new ArrayList<>();
		held.add(dataSource.getConnection());
		held.add(dataSource.getConnection());
		step.setStatus(BatchStatus.COMPLETED);
		CompletableFuture<Void> write = CompletableFuture.runAsync(() -> jobRepository.update(step));
		// three of the pool's waits pass with every connection held: the write waits
		await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(5)).until(() -> !write.isDone());
		for (Connection c : held) {
			c.close();
		}
		write.get(10, TimeUnit.SECONDS);

		assertThat(step.getVersion()).isEqualTo(version + 1);
		assertThat(jobRepository.getStepExecution(job.getId(), step.getId()).getStatus())
			.isEqualTo(BatchStatus.COMPLETED);
	}

	@Test
	void onlyAPoolWhoseWaitEndedWithEveryConnectionInUseCountsAsStarved() {
		SQLTransientConnectionException starved = new SQLTransientConnectionException(
				"HikariPool-1 - Connection is not available, request timed out after 250ms (total=2, active=2, idle=0,"
						+ " waiting=1)");
		SQLTransientConnectionException unreachable = new SQLTransientConnectionException(
				"HikariPool-1 - Connection is not available, request timed out after 250ms",
				new SQLException("Communications link failure", "08S01"));

		assertThat(StoreFailures.starvedPool(new CannotCreateTransactionException("could not open", starved))).isTrue();
		assertThat(StoreFailures.starvedPool(new CannotCreateTransactionException("could not open", unreachable)))
			.isFalse();
		assertThat(StoreFailures.starvedPool(new IllegalStateException("something else"))).isFalse();
	}

}
