package io.wsbackup.execution;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationEventPublisher;

/**
 * Publishes the application event that says how a job's execution ended (BackupEnded,
 * RestoreEnded, DeleteEnded), from the job's listener once the catalog took the outcome.
 * A listener that fails is logged: it never fails the job.
 */
public final class JobEndPublisher {

	private static final Logger log = LoggerFactory.getLogger(JobEndPublisher.class);

	private final ApplicationEventPublisher publisher;

	public JobEndPublisher(ApplicationEventPublisher publisher) {
		this.publisher = publisher;
	}

	public void publish(Object ended) {
		try {
			this.publisher.publishEvent(ended);
		}
		catch (RuntimeException ex) {
			log.warn("a listener of {} failed: {}", ended, ex.toString());
		}
	}

}
