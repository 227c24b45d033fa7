package io.wsbackup.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.cloud.FakeCloud;
import io.wsbackup.launcher.Launcher;
import io.wsbackup.workspace.FakeWorkloads;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceService;
import io.wsbackup.workspace.WorkspaceStorage;

import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.builder.SimpleJobBuilder;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.task.TaskExecutor;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Benchmark 1, runner overhead: the real {@code backupWorkspace} job, launched through
 * the {@link Launcher} as the API does, on a workspace of three resources (two volumes, a
 * file system) whose cloud completes every snapshot at its first poll ({@link FakeCloud}
 * at 100% per poll) and whose workloads stop and start at once ({@link FakeWorkloads}),
 * against an empty Spring Batch job of six no-op steps launched through the same
 * {@link JobOperator}, on the same job repository in the same MySQL schema. Each figure
 * is the time from the launch call until the job's run on the job executor has returned
 * (its last repository update done), runs alternating between the two, one at a time,
 * after a warm-up. Goal: the backup's median at most 1.3 times the empty job's (issue 17:
 * the backup's own record-keeping in the store, its event lines, its cancel and ownership
 * checks, costs at most 30% over Spring Batch's own for the same six steps). With
 * {@code -Dbench.sql=true} it prints the statements of one job of each.
 */
public final class RunnerOverheadBench {

	static final int WARMUP = Integer.getInteger("bench.warmup", 15);

	static final int RUNS = Integer.getInteger("bench.runs", 30);

	private RunnerOverheadBench() {
	}

	public static void main(String[] args) throws Exception {
		String url = Bench.schema("wsbackup_bench_overhead", true);
		try (ConfigurableApplicationContext context = Bench.runner(url, Map.of("wsbackup.cloud.provider", "fake",
				"wsbackup.workloads.provider", "fake", "spring.main.web-application-type", "none"), Setup.class)) {
			Launcher launcher = context.getBean(Launcher.class);
			JobOperator operator = context.getBean(JobOperator.class);
			BackupRepository backups = context.getBean(BackupRepository.class);
			Semaphore ended = context.getBean(Setup.class).ended;
			Job empty = emptyJob(context.getBean(JobRepository.class),
					context.getBean(PlatformTransactionManager.class));
			Workspace ws = context.getBean(WorkspaceService.class)
				.register("bench", "env-bench", "123456789012", "us-west-2", "2.0.47",
						new WorkspaceStorage(List.of("vol-bench-a", "vol-bench-b"), "fs-bench", false), null);
			String creator = "crn:cdp:iam:us-west-2:123456789012:user:bench";
			List<Double> backupMillis = new ArrayList<>();
			List<Double> emptyMillis = new ArrayList<>();
			List<Double> launchMillis = new ArrayList<>();
			for (int i = 0; i < WARMUP + RUNS; i++) {
				long t0 = System.nanoTime();
				Backup backup = launcher.backupWorkspace(ws.crn().toString(), "b-" + i, null, creator);
				double launchCall = (System.nanoTime() - t0) / 1e6;
				await(ended);
				double backupRun = (System.nanoTime() - t0) / 1e6;
				BackupStatus status = backups.find(backup.crn()).orElseThrow().status();
				if (status != BackupStatus.SUCCEEDED) {
					throw new IllegalStateException("backup " + i + " ended " + status);
				}
				t0 = System.nanoTime();
				operator.start(empty, new JobParametersBuilder().addLong("run", (long) i).toJobParameters());
				await(ended);
				double emptyRun = (System.nanoTime() - t0) / 1e6;
				if (i >= WARMUP) {
					launchMillis.add(launchCall);
					backupMillis.add(backupRun);
					emptyMillis.add(emptyRun);
				}
			}
			// where the time goes: statements and commits of one job of each, counted at
			// the data source
			SqlCounter sql = context.getBean(SqlCounter.class);
			sql.recording = new java.util.concurrent.ConcurrentHashMap<>();
			long[] before = sql.counts();
			launcher.backupWorkspace(ws.crn().toString(), "count", null, creator);
			await(ended);
			long[] mid = sql.counts();
			if (Boolean.getBoolean("bench.sql")) {
				sql.recording.entrySet()
					.stream()
					.sorted(Map.Entry.comparingByValue(java.util.Comparator.reverseOrder()))
					.forEach((e) -> Bench.note(e.getValue() + "  " + e.getKey()));
			}
			sql.recording = new java.util.concurrent.ConcurrentHashMap<>();
			operator.start(empty, new JobParametersBuilder().addLong("run", -1L).toJobParameters());
			await(ended);
			long[] after = sql.counts();
			if (Boolean.getBoolean("bench.sql")) {
				Bench.note("the empty job's statements:");
				sql.recording.entrySet()
					.stream()
					.sorted(Map.Entry.comparingByValue(java.util.Comparator.reverseOrder()))
					.forEach((e) -> Bench.note(e.getValue() + "  " + e.getKey()));
			}
			sql.recording = null;
			Bench.note("one backup: " + (mid[0] - before[0]) + " statements, " + (mid[1] - before[1])
					+ " commits; one empty job: " + (after[0] - mid[0]) + " statements, " + (after[1] - mid[1])
					+ " commits, counted at the data source");
			double backup = Bench.median(backupMillis);
			double none = Bench.median(emptyMillis);
			Bench.note("backup runs (ms): " + rounded(backupMillis));
			Bench.note("empty-job runs (ms): " + rounded(emptyMillis));
			Bench.note("of the backup's, the launcher's call until it returned (ms): median "
					+ Math.round(Bench.median(launchMillis)) + " " + rounded(launchMillis));
			Bench.row("1 runner overhead", "backup of 3 resources, instant cloud: median per job (" + RUNS + " runs)",
					Bench.ms(backup), Bench.ms(none) + " (empty 6-step job)", backup / none, "<= 1.3x",
					backup / none <= 1.3);
		}
	}

	/** Server-wide {Questions, Com_commit}. */
	private static long[] counters(String url) throws java.sql.SQLException {
		try (var c = Bench.connect(url);
				var s = c.createStatement();
				var rs = s.executeQuery("SHOW GLOBAL STATUS WHERE Variable_name IN ('Questions', 'Com_commit')")) {
			long[] values = new long[2];
			while (rs.next()) {
				values["Questions".equalsIgnoreCase(rs.getString(1)) ? 0 : 1] = rs.getLong(2);
			}
			return values;
		}
	}

	private static List<Long> rounded(List<Double> values) {
		return values.stream().map(Math::round).toList();
	}

	private static void await(Semaphore ended) throws InterruptedException {
		if (!ended.tryAcquire(60, TimeUnit.SECONDS)) {
			throw new IllegalStateException("a job did not end within 60 s");
		}
	}

	/** Six steps that do nothing, like the backup's six (no compensation). */
	static Job emptyJob(JobRepository repository, PlatformTransactionManager tx, JobExecutionListener... listeners) {
		SimpleJobBuilder job = null;
		for (int i = 1; i <= 6; i++) {
			var step = new StepBuilder("noop" + i, repository).tasklet((c, ctx) -> RepeatStatus.FINISHED, tx).build();
			job = job == null ? new JobBuilder("emptySixSteps", repository).start(step) : job.next(step);
		}
		for (JobExecutionListener listener : listeners) {
			job.listener(listener);
		}
		return job.build();
	}

	/**
	 * The fakes at the ports (the cloud completing at the first poll), and the job
	 * executor wrapped so that the benchmark learns when a job's run has returned.
	 */
	@TestConfiguration(proxyBeanMethods = false) // kept out of the tests' component scan
	static class Setup {

		final Semaphore ended = new Semaphore(0);

		@Bean
		@Primary
		FakeCloud fakeCloud() {
			FakeCloud cloud = new FakeCloud();
			cloud.setPercentPerPoll(100);
			return cloud;
		}

		@Bean
		@Primary
		FakeWorkloads fakeWorkloads() {
			return new FakeWorkloads();
		}

		@Bean
		static SqlCounter sqlCounter() {
			return new SqlCounter();
		}

		@Bean
		static BeanPostProcessor jobEndSignal(org.springframework.beans.factory.ObjectProvider<Setup> setup) {
			return new BeanPostProcessor() {
				@Override
				public Object postProcessAfterInitialization(Object bean, String name) {
					if (!"jobTaskExecutor".equals(name)) {
						return bean;
					}
					TaskExecutor executor = (TaskExecutor) bean;
					return (TaskExecutor) (task) -> executor.execute(() -> {
						try {
							task.run();
						}
						finally {
							setup.getObject().ended.release();
						}
					});
				}
			};
		}

	}

}
