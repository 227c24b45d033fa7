package io.wsbackup.restore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.catalog.RecoveryPoint;
import io.wsbackup.cloud.CloudPort;
import io.wsbackup.events.EventLog;
import io.wsbackup.execution.PollSchedule;
import io.wsbackup.execution.StepFailedException;
import io.wsbackup.workspace.ProtectedResource;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkloadPort;
import io.wsbackup.workspace.WorkspaceRepository;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * Step 7 of {@code drillBackup}, {@code verifyRestoredData}: every resource the restore
 * created is checked against the recovery point it came from (local: every file against
 * the manifest; aws: the volume or file system exists with the recorded size), then the
 * workload adapter's readiness check runs until the restored workloads are ready or the
 * readiness timeout ends. Any problem fails the step with the problems, each naming the
 * restored resource (and the file), which the compensation records on the backup. Holds
 * no store connection while it waits.
 */
class VerifyRestoredDataTasklet implements Tasklet {

	static final String STEP = "verifyRestoredData";

	private final BackupRepository backups;

	private final WorkspaceRepository workspaces;

	private final CloudPort cloud;

	private final WorkloadPort workloads;

	private final EventLog events;

	private final JobRepository jobRepository;

	private final Clock clock;

	private final PollSchedule schedule;

	private final Duration readinessTimeout;

	private final AwaitRestoresTasklet.Pause pause;

	VerifyRestoredDataTasklet(BackupRepository backups, WorkspaceRepository workspaces, CloudPort cloud,
			WorkloadPort workloads, EventLog events, JobRepository jobRepository, Clock clock, PollSchedule schedule,
			Duration readinessTimeout, AwaitRestoresTasklet.Pause pause) {
		this.backups = backups;
		this.workspaces = workspaces;
		this.cloud = cloud;
		this.workloads = workloads;
		this.events = events;
		this.jobRepository = jobRepository;
		this.clock = clock;
		this.schedule = schedule;
		this.readinessTimeout = readinessTimeout;
		this.pause = pause;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws InterruptedException {
		RestoreRun run = RestoreRun.of(chunkContext, jobRepository);
		Backup backup = run.backup(backups);
		Workspace scratch = run.workspace(workspaces);
		String ws = backup.workspaceCrn().toString();
		String bk = backup.crn().toString();
		if (!"true".equals(run.getString(DrillContextKeys.DATA_VERIFIED))) {
			Map<String, String> restored = run.getMap(RestoreContextKeys.RESTORED);
			List<String> problems = new ArrayList<>();
			long bytes = 0;
			for (RecoveryPoint rp : run.recoveryPoints(backups)) {
				String createdId = restored.get(rp.recoveryPointId());
				if (createdId == null) {
					problems.add("recovery point " + rp.recoveryPointId() + " of " + rp.resource().id()
							+ " was not restored");
					continue;
				}
				problems.addAll(cloud.verifyRestored(new ProtectedResource(rp.resource().kind(), createdId),
						backup.vaultName(), rp.recoveryPointId(), rp.sizeBytes()));
				bytes += rp.sizeBytes() == null ? 0 : rp.sizeBytes();
			}
			if (!problems.isEmpty()) {
				throw new StepFailedException("the restored data of backup " + backup.name() + " is not sound: "
						+ String.join("; ", problems));
			}
			run.put(DrillContextKeys.DATA_VERIFIED, "true");
			run.save();
			events.info(ws, bk, STEP, "restored data of backup " + backup.name() + " checked: " + restored.size()
					+ " resource(s), " + bytes + " bytes recorded, every one sound");
		}
		Instant now = clock.instant();
		if (!run.has(DrillContextKeys.READY_BY)) {
			run.put(DrillContextKeys.READY_BY, now.plus(readinessTimeout).toString());
		}
		Instant readyBy = Instant.parse(run.getString(DrillContextKeys.READY_BY));
		List<String> notReady = workloads.readiness(scratch);
		if (notReady.isEmpty()) {
			run.save();
			events.info(ws, bk, STEP, "the workloads of scratch workspace " + scratch.name() + " are ready");
			return RepeatStatus.FINISHED;
		}
		if (now.isAfter(readyBy)) {
			run.save();
			throw new StepFailedException(
					"the workloads restored from backup " + backup.name() + " were not ready within "
							+ readinessTimeout.toMinutes() + " minute(s): " + String.join("; ", notReady));
		}
		Duration wait = run.nextWait(DrillContextKeys.POLL_INTERVAL_MILLIS, schedule, now, readyBy);
		run.save();
		pause.sleep(wait);
		return RepeatStatus.CONTINUABLE;
	}

}
