package io.wsbackup.execution;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * The facts a job keeps in its job execution context (readable JSON in
 * {@code BATCH_JOB_EXECUTION_CONTEXT}): plain strings and maps of strings.
 * {@link #save()} writes the context in the calling step's transaction, so a fact
 * recorded before a step returns survives a crash; a restart starts with the previous
 * execution's context.
 */
public class JobContext {

	private final JobExecution jobExecution;

	private final JobRepository jobRepository;

	public JobContext(JobExecution jobExecution, JobRepository jobRepository) {
		this.jobExecution = jobExecution;
		this.jobRepository = jobRepository;
	}

	public JobExecution jobExecution() {
		return jobExecution;
	}

	/** A job parameter's value. */
	public String parameter(String name) {
		return jobExecution.getJobParameters().getString(name);
	}

	/** A whole-number job parameter's value, or {@code fallback} when absent. */
	public long longParameter(String name, long fallback) {
		Long value = jobExecution.getJobParameters().getLong(name);
		return value == null ? fallback : value;
	}

	private ExecutionContext context() {
		return jobExecution.getExecutionContext();
	}

	public String getString(String key) {
		return context().containsKey(key) ? context().getString(key) : null;
	}

	public void put(String key, Object value) {
		context().put(key, value);
	}

	public boolean has(String key) {
		return context().containsKey(key);
	}

	/**
	 * A map-of-strings fact, copied (empty when absent); change it and {@link #put} it
	 * back.
	 */
	public Map<String, String> getMap(String key) {
		Object value = context().get(key);
		Map<String, String> copy = new LinkedHashMap<>();
		if (value instanceof Map<?, ?> map) {
			map.forEach((k, v) -> copy.put(String.valueOf(k), String.valueOf(v)));
		}
		return copy;
	}

	/** Writes the job execution context now, in the calling step's transaction. */
	public void save() {
		jobRepository.updateExecutionContext(jobExecution);
	}

}
