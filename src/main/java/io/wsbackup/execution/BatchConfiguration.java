package io.wsbackup.execution;

import java.time.Clock;

import org.springframework.batch.core.repository.ExecutionContextSerializer;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.repository.dao.JacksonExecutionContextStringSerializer;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.batch.autoconfigure.BatchTaskExecutor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.TaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * How jobs run: asynchronously, each on a virtual thread of its own (a launch returns at
 * once; launches beyond {@code wsbackup.jobs.max-concurrent} wait in the store's launch
 * queue, {@link LaunchQueue}, not here), with execution contexts stored as readable JSON,
 * and one clock for everything that tells time.
 */
@Configuration(proxyBeanMethods = false)
public class BatchConfiguration {

	/** Virtual job threads at most: far above any limit of the launch queue. */
	static final int JOB_THREADS = 100_000;

	@Bean
	@BatchTaskExecutor
	TaskExecutor jobTaskExecutor(io.wsbackup.execution.Runner runner) {
		ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
		// the pool never holds a job back: the limits are the launch queue's, in the
		// store
		// (LaunchQueue); jobs restarted or taken over from a dead runner run at once
		executor.setCorePoolSize(JOB_THREADS);
		executor.setMaxPoolSize(JOB_THREADS);
		executor.setQueueCapacity(100_000);
		executor.setThreadNamePrefix("job-");
		executor.setWaitForTasksToCompleteOnShutdown(false);
		// virtual threads: a step that waits for the cloud (awaitRecoveryPoints,
		// awaitRestores) sleeps for hours without holding a platform thread, and a
		// thread parked for good costs next to nothing. Like every virtual thread they
		// are daemons: a job thread parked at a commit point for the shutdown never
		// holds the JVM (see Runner); the decorator tells the runner when a job's thread
		// is done
		executor.setVirtualThreads(true);
		// never wait for job threads when the context closes: the recovery's graceful
		// shutdown has them park at a commit point, and parked threads never end
		executor.setAcceptTasksAfterContextClose(true);
		executor.setTaskDecorator(runner.taskDecorator());
		executor.initialize();
		runner.useJobExecutor(executor);
		return executor;
	}

	/**
	 * The job repository waits out a starved connection pool instead of failing a job
	 * ({@link StarvedPoolRetry}).
	 */
	@Bean
	static BeanPostProcessor starvedPoolRetry() {
		return new BeanPostProcessor() {
			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				return bean instanceof JobRepository repository ? StarvedPoolRetry.wrap(repository) : bean;
			}
		};
	}

	/** Execution contexts as JSON an operator can read with SQL. */
	@Bean
	ExecutionContextSerializer executionContextSerializer() {
		return new JacksonExecutionContextStringSerializer();
	}

	@Bean
	@ConditionalOnMissingBean
	Clock clock() {
		return Clock.systemUTC();
	}

}
