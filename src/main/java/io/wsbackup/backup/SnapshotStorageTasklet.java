package io.wsbackup.backup;

import io.wsbackup.execution.StepFailedException;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.cloud.CloudJobState;
import io.wsbackup.cloud.CloudPort;
import io.wsbackup.cloud.SnapshotRequest;
import io.wsbackup.events.EventLog;
import io.wsbackup.workspace.ProtectedResource;
import io.wsbackup.workspace.WorkloadPort;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceRepository;

import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * Step 3, {@code snapshotStorage}: makes sure the vault {@code mlx-<workspace uuid>}
 * exists and starts one cloud snapshot job per protected resource, one resource per
 * transaction ({@code CONTINUABLE}, {@code FINISHED} after the last one; the list of
 * resources is recorded with the first), recording each job id in the job context before
 * returning. The idempotency token is derived from the backup CRN, the resource and the
 * attempt, so a crash between the cloud call and the commit never starts a second job.
 *
 * <p>
 * On restart it runs again: resources whose job is recorded keep it (no second job); a
 * resource whose job ended failed, aborted or expired gets a new job under a new attempt
 * number.
 */
class SnapshotStorageTasklet implements Tasklet {

	static final String STEP = "snapshotStorage";

	private static final String CHECKED = STEP + ".checkedInThisExecution";

	private final WorkspaceRepository workspaces;

	private final BackupRepository backups;

	private final WorkloadPort workloads;

	private final CloudPort cloud;

	private final EventLog events;

	private final JobRepository jobRepository;

	private final Clock clock;

	private final Duration completionWindow;

	SnapshotStorageTasklet(WorkspaceRepository workspaces, BackupRepository backups, WorkloadPort workloads,
			CloudPort cloud, EventLog events, JobRepository jobRepository, Clock clock, Duration completionWindow) {
		this.workspaces = workspaces;
		this.backups = backups;
		this.workloads = workloads;
		this.cloud = cloud;
		this.events = events;
		this.jobRepository = jobRepository;
		this.clock = clock;
		this.completionWindow = completionWindow;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		BackupRun run = BackupRun.of(chunkContext, jobRepository);
		BackupRepository.WithWorkspace read = run.stopIfCancelledWithWorkspace(backups, STEP);
		Backup backup = read.backup();
		Workspace workspace = run.registered(read.workspace());
		Map<String, String> resources = run.getMap(BackupContextKeys.RESOURCES);
		if (resources.isEmpty()) {
			List<ProtectedResource> storage = workloads.listStorage(workspace);
			if (storage.isEmpty()) {
				throw new StepFailedException("workspace " + workspace.name() + " has no storage to back up");
			}
			storage.forEach((r) -> resources.put(r.key(), "1"));
			cloud.ensureVault(workspace.vaultName(),
					Map.of("workspaceCrn", workspace.crn().toString(), "managedBy", "wsbackup"));
			run.put(BackupContextKeys.RESOURCES, resources);
			events.info(workspace.crn().toString(), backup.crn().toString(), STEP, "protecting " + resources.size()
					+ " resource(s) in vault " + workspace.vaultName() + ": " + String.join(", ", resources.keySet()));
			// the first snapshot starts in this same transaction, which records the
			// resources with its job: should it not commit, the next run lists them
			// again and starts that snapshot under the same token, so the cloud returns
			// the same job
		}
		var stepExecution = chunkContext.getStepContext().getStepExecution();
		ExecutionContext stepContext = stepExecution.getExecutionContext();
		// a restart copies the failed execution's step context: what that execution
		// checked does not count
		String checkedKey = CHECKED + "." + stepExecution.getId();
		Set<String> checked = new HashSet<>(List.of(stepContext.getString(checkedKey, "").split("\n")));
		Map<String, String> jobs = run.getMap(BackupContextKeys.SNAPSHOT_JOBS);
		for (Map.Entry<String, String> entry : resources.entrySet()) {
			String key = entry.getKey();
			if (checked.contains(key)) {
				continue;
			}
			String jobId = jobs.get(key);
			int attempt = Integer.parseInt(entry.getValue());
			if (jobId != null) {
				CloudJobState state = cloud.snapshotProgress(jobId).state();
				if (!state.isUnsuccessful()) {
					checked.add(key);
					continue;
				}
				attempt++;
				events.warning(workspace.crn().toString(), backup.crn().toString(), STEP,
						"snapshot job " + jobId + " of " + key + " ended " + state + "; starting attempt " + attempt);
			}
			refuseAfterDeadline(backup, run.deadline(backup));
			ProtectedResource resource = ProtectedResource.fromKey(key);
			String newJob = cloud.startSnapshot(new SnapshotRequest(workspace.vaultName(), resource,
					idempotencyToken(backup, resource, attempt), Map.of("workspaceCrn", workspace.crn().toString(),
							"backupCrn", backup.crn().toString(), "backupName", backup.name()),
					completionWindow));
			jobs.put(key, newJob);
			resources.put(key, String.valueOf(attempt));
			run.put(BackupContextKeys.SNAPSHOT_JOBS, jobs);
			run.put(BackupContextKeys.RESOURCES, resources);
			run.save();
			checked.add(key);
			stepContext.putString(checkedKey, String.join("\n", checked));
			events.info(workspace.crn().toString(), backup.crn().toString(), STEP,
					"snapshot of " + key + " started as cloud job " + newJob);
			// the last resource started: no further chunk to find nothing left to do
			return checked.containsAll(resources.keySet()) ? RepeatStatus.FINISHED : RepeatStatus.CONTINUABLE;
		}
		return RepeatStatus.FINISHED;
	}

	/**
	 * A new cloud snapshot after the deadline could never be awaited: refuse it rather
	 * than start it.
	 */
	private void refuseAfterDeadline(Backup backup, Instant deadline) {
		if (clock.instant().isAfter(deadline)) {
			throw new StepFailedException("the backup's " + backup.timeoutMinutes() + "-minute timeout ended at "
					+ deadline + "; no new cloud snapshot is started for it: start a new backup");
		}
	}

	/** The same backup, resource and attempt always give the same token. */
	static String idempotencyToken(Backup backup, ProtectedResource resource, int attempt) {
		String seed = backup.crn() + "|" + resource.key() + "|" + attempt;
		return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString();
	}

}
