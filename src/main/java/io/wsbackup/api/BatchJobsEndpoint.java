package io.wsbackup.api;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.wsbackup.api.Views.ApiError;
import io.wsbackup.launcher.Launcher;
import io.wsbackup.overview.OverviewRepository;
import io.wsbackup.system.WsbackupException;
import io.wsbackup.system.WsbackupProperties;
import io.wsbackup.system.security.Callers;
import org.jspecify.annotations.Nullable;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * The actuator endpoint {@code /actuator/batchjobs}: {@code GET} lists the recent job
 * executions (job, parameters, status, current step, failed step and why);
 * {@code POST .../launch} ({@code jobName}, {@code parameters} as
 * {@code name=value,name=value}), {@code POST .../restart} and {@code POST .../stop}
 * ({@code executionId}) go through the launcher, with its checks. Reading it needs the
 * viewer role, writing the admin role (see
 * {@link io.wsbackup.system.security.SecurityConfiguration}); it is there unless
 * {@code wsbackup.actuator.jobs.enabled=false}.
 */
@Component
@Endpoint(id = "batchjobs")
@ConditionalOnProperty(name = "wsbackup.actuator.jobs.enabled", havingValue = "true", matchIfMissing = true)
public class BatchJobsEndpoint {

	/**
	 * One job execution as listed. {@code failedStep} is the last step that ended
	 * {@code FAILED} (null when none did), {@code failure} the first line of its exit
	 * description, or of the job's when no step failed.
	 */
	public record ExecutionView(long executionId, String jobName, Map<String, String> parameters, String status,
			String exitCode, String currentStep, String startTime, String endTime, long jobInstanceId,
			String failedStep, String failure, String outcome, String backupName, String workspaceName) {

		static ExecutionView of(JobExecution e) {
			Map<String, String> parameters = new LinkedHashMap<>();
			e.getJobParameters().parameters().forEach((p) -> parameters.put(p.name(), String.valueOf(p.value())));
			String current = e.getStepExecutions()
				.stream()
				.filter((s) -> s.getStatus() == BatchStatus.STARTED || s.getStatus() == BatchStatus.STARTING)
				.max(Comparator.comparing(StepExecution::getId))
				.map(StepExecution::getStepName)
				.orElse(null);
			StepExecution failed = e.getStepExecutions()
				.stream()
				.filter((s) -> s.getStatus() == BatchStatus.FAILED)
				.max(Comparator.comparing(StepExecution::getId))
				.orElse(null);
			String failure = firstLine((failed != null) ? failed.getExitStatus().getExitDescription() : null);
			if (failure == null && e.getStatus() == BatchStatus.FAILED) {
				failure = firstLine(e.getExitStatus().getExitDescription());
			}
			return new ExecutionView(e.getId(), e.getJobInstance().getJobName(), parameters, e.getStatus().name(),
					e.getExitStatus().getExitCode(), current, instant(e.getStartTime()), instant(e.getEndTime()),
					e.getJobInstance().getInstanceId(), (failed != null) ? failed.getStepName() : null, failure,
					outcome(e), null, null);
		}

		/**
		 * How the execution ended, in an operator's words: {@code running},
		 * {@code completed}, {@code failed}, {@code cancelled} (a cancel, which ends a
		 * backup STOPPED with exit code CANCELLED), {@code stopped} or {@code abandoned};
		 * never Spring Batch's {@code UNKNOWN} exit code of a running job.
		 */
		static String outcome(JobExecution e) {
			return switch (e.getStatus()) {
				case STARTING, STARTED, STOPPING -> "running";
				case COMPLETED -> "completed";
				case FAILED -> "failed";
				case STOPPED -> io.wsbackup.execution.JobFailures.CANCELLED.equals(e.getExitStatus().getExitCode()) || e
					.getStepExecutions()
					.stream()
					.anyMatch(
							(s) -> io.wsbackup.execution.JobFailures.CANCELLED.equals(s.getExitStatus().getExitCode()))
									? "cancelled" : "stopped";
				case ABANDONED -> "abandoned";
				default -> e.getStatus().name().toLowerCase(java.util.Locale.ROOT);
			};
		}

		/** The same, with the names of the backup and workspace it worked on. */
		ExecutionView named(String backupName, String workspaceName) {
			return new ExecutionView(executionId, jobName, parameters, status, exitCode, currentStep, startTime,
					endTime, jobInstanceId, failedStep, failure, outcome, backupName, workspaceName);
		}

		/**
		 * Spring Batch's local times (the runner's zone) as ISO instants, like the API's.
		 */
		static String instant(LocalDateTime time) {
			return (time == null) ? null : time.atZone(ZoneId.systemDefault()).toInstant().toString();
		}

		/**
		 * The first line of an exit description (Spring Batch stores the stack trace),
		 * without the exception's class name, at most 500 characters.
		 */
		static String firstLine(String description) {
			if (description == null || description.isBlank()) {
				return null;
			}
			String line = description.strip().lines().findFirst().orElse("").strip();
			line = line.replaceFirst("^([a-zA-Z_$][\\w$]*\\.)+[\\w$]*(Exception|Error)(: )?", "").strip();
			// nested causes quoted in the message ("...; nested exception is
			// a.b.CException: why")
			line = line.replaceAll("([a-z_$][\\w$]*\\.)+[A-Z][\\w$]*(Exception|Error)(: )?", "").strip();
			// and unqualified ones ("...: FileSystemException: /path: Is a directory")
			line = line.replaceAll("\\b[A-Z][\\w$]*(Exception|Error): ", "").strip();
			if (line.isEmpty()) {
				return null;
			}
			return (line.length() > 500) ? line.substring(0, 499) + "…" : line;
		}

	}

	/** What a write did. */
	public record Done(String action, long executionId) {
	}

	private final JobRepository jobRepository;

	private final Launcher launcher;

	private final WsbackupProperties properties;

	private final OverviewRepository overview;

	public BatchJobsEndpoint(JobRepository jobRepository, Launcher launcher, WsbackupProperties properties,
			OverviewRepository overview) {
		this.jobRepository = jobRepository;
		this.launcher = launcher;
		this.properties = properties;
		this.overview = overview;
	}

	/** The newest executions of every job, newest first. */
	@ReadOperation
	public List<ExecutionView> executions(@Nullable Integer count) {
		int max = count == null ? 50 : Math.max(1, Math.min(count, 1000));
		List<JobExecution> executions = new ArrayList<>();
		for (String job : jobRepository.getJobNames()) {
			for (JobInstance instance : jobRepository.getJobInstances(job, 0, max)) {
				executions.addAll(jobRepository.getJobExecutions(instance));
			}
		}
		List<ExecutionView> views = executions.stream()
			.sorted(Comparator.comparing(JobExecution::getId).reversed())
			.limit(max)
			.map(ExecutionView::of)
			.toList();
		return named(views);
	}

	/**
	 * The views with the names of the backups and workspaces their parameters give by
	 * CRN, read in two statements for the whole list.
	 */
	private List<ExecutionView> named(List<ExecutionView> views) {
		java.util.Set<String> backupCrns = new java.util.HashSet<>();
		java.util.Set<String> workspaceCrns = new java.util.HashSet<>();
		for (ExecutionView v : views) {
			if (v.parameters().get("backupCrn") != null) {
				backupCrns.add(v.parameters().get("backupCrn"));
			}
			if (v.parameters().get("workspaceCrn") != null) {
				workspaceCrns.add(v.parameters().get("workspaceCrn"));
			}
		}
		OverviewRepository.Names names = overview.names(backupCrns, workspaceCrns);
		return views.stream().map((v) -> {
			String backup = v.parameters().get("backupCrn");
			String workspace = v.parameters().get("workspaceCrn");
			if (workspace == null && backup != null) {
				workspace = names.workspaceOfBackup().get(backup);
			}
			return v.named(backup == null ? null : names.backups().get(backup),
					workspace == null ? null : names.workspaces().get(workspace));
		}).toList();
	}

	/**
	 * {@code launch} ({@code jobName}, {@code parameters} as
	 * {@code name=value,name=value}), {@code restart} or {@code stop}
	 * ({@code executionId}).
	 */
	@WriteOperation
	public WebEndpointResponse<Object> act(@Selector String action, @Nullable String jobName,
			@Nullable String parameters, @Nullable Long executionId) {
		try {
			return switch (action) {
				case "launch" -> new WebEndpointResponse<>(new Done(action,
						launcher.launch(jobName, strings(parameters), Callers.currentCreatorCrn(properties))));
				case "restart" ->
					new WebEndpointResponse<>(new Done(action, launcher.restartExecution(required(executionId))));
				case "stop" -> {
					launcher.stopExecution(required(executionId));
					yield new WebEndpointResponse<>(new Done(action, executionId));
				}
				default -> throw WsbackupException
					.invalid("unknown action '" + action + "'; the actions are launch, restart and stop");
			};
		}
		catch (WsbackupException ex) {
			return new WebEndpointResponse<>(new ApiError(ex.code().name(), ex.getMessage()), ex.code().httpStatus());
		}
	}

	private static long required(Long executionId) {
		if (executionId == null) {
			throw WsbackupException.invalid("executionId is required");
		}
		return executionId;
	}

	/**
	 * Job parameters as Spring Batch's command-line runner writes them,
	 * {@code name=value,name=value} (the actuator reads flat JSON bodies only).
	 */
	static Map<String, String> strings(String parameters) {
		Map<String, String> out = new LinkedHashMap<>();
		if (parameters == null || parameters.isBlank()) {
			return out;
		}
		for (String pair : parameters.split(",")) {
			int eq = pair.indexOf('=');
			if (eq < 1) {
				throw WsbackupException.invalid("parameters must read name=value,name=value; '" + pair + "' does not");
			}
			out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
		}
		return out;
	}

}
