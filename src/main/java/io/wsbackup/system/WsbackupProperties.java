package io.wsbackup.system;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Every {@code wsbackup.*} setting, in one typed tree.
 *
 * @param dataDir where the embedded default keeps its database, local vaults, restores
 * and the demo workspace
 * @param schedulesDir where schedule files are read from
 * @param accountId the cloud account workspaces are registered in when a registration
 * does not say
 * @param region the cloud region workspaces are registered in when a registration does
 * not say
 * @param workspaceVersion the workspace version this runner installs (restores are made
 * at this version)
 * @param creatorCrn who is recorded as a backup's creator when no authenticated caller
 * started it (a REST or actuator backup's creator is its caller)
 * @param cloud the cloud adapter
 * @param workloads the workload adapter
 * @param backup the backup job's settings
 * @param jobs how many jobs run at once
 * @param demo the demo workspace of the embedded default
 * @param schedules how the Quartz schedules run
 * @param metrics how the metrics read from the store are kept fresh
 * @param recovery crash recovery: heartbeats, the scan for executions of dead runners,
 * graceful shutdown
 * @param security who may call the REST API and the actuator
 */
@ConfigurationProperties("wsbackup")
public record WsbackupProperties(Path dataDir, Path schedulesDir, String accountId, String region,
		String workspaceVersion, String creatorCrn, Cloud cloud, Workloads workloads, Backup backup, Jobs jobs,
		Demo demo, ScheduleSettings schedules, Metrics metrics, Recovery recovery, Security security) {

	public WsbackupProperties {
		dataDir = (dataDir == null ? Path.of("data") : dataDir).toAbsolutePath().normalize();
		schedulesDir = (schedulesDir == null ? Path.of("schedules") : schedulesDir).toAbsolutePath().normalize();
		accountId = accountId == null ? "000000000000" : accountId;
		region = region == null ? "local" : region;
		workspaceVersion = workspaceVersion == null ? "2.0.50" : workspaceVersion;
		creatorCrn = creatorCrn == null ? "crn:cdp:iam:" + region + ":" + accountId + ":user:local-operator"
				: creatorCrn;
		cloud = cloud == null ? new Cloud(null, null, null) : cloud;
		workloads = workloads == null ? new Workloads(null, null) : workloads;
		backup = backup == null ? new Backup(null, null, null, null, null, null, null) : backup;
		jobs = jobs == null ? new Jobs(null, null, null) : jobs;
		demo = demo == null ? new Demo(null) : demo;
		schedules = schedules == null ? new ScheduleSettings(null, null) : schedules;
		metrics = metrics == null ? new Metrics(null) : metrics;
		recovery = recovery == null ? new Recovery(null, null, null, null, null, null, null) : recovery;
		security = security == null ? new Security(null, null, null) : security;
	}

	/**
	 * @param provider {@code local} (directory snapshots, the embedded default) or
	 * {@code aws}
	 * @param local the local provider's settings
	 * @param aws the aws provider's settings
	 */
	public record Cloud(String provider, Local local, Aws aws) {

		public Cloud {
			provider = provider == null ? "local" : provider;
			local = local == null ? new Local(null, null) : local;
			aws = aws == null ? new Aws(null, null, null, null, null, null, null, null, null, null, null, null, null)
					: aws;
		}

		/**
		 * Settings of the {@code aws} provider; region and credentials come from the
		 * SDK's default provider chains unless {@code region} is set.
		 *
		 * @param region the region of the SDK clients, or {@code null} for the default
		 * chain
		 * @param iamRoleArn the role AWS Backup assumes to read and restore the resources
		 * @param kmsKeyArn the KMS key of vaults created by the runner, or {@code null}
		 * for the AWS-managed key
		 * @param backupEndpoint endpoint override of AWS Backup (a simulator), or
		 * {@code null}
		 * @param ec2Endpoint endpoint override of EC2 (moto), or {@code null}
		 * @param efsEndpoint endpoint override of EFS (moto), or {@code null}
		 * @param stsEndpoint endpoint override of STS (moto), or {@code null}
		 * @param iamEndpoint endpoint override of IAM (moto), or {@code null}
		 * @param protectionTagKey the tag that keeps garbage collection away from a disk
		 * while a job reads or writes it
		 * @param protectionTagValue that tag's value
		 * @param fileSystemKmsKeyArn the KMS key of the file systems that EFS restores
		 * create (then encrypted), or {@code null} to keep the source's encryption; not
		 * the vault's key
		 * @param deleteWait how long a deleted recovery point is followed while it is
		 * {@code DELETING} before the delete is reported unfinished (5 minutes)
		 * @param followInterval how often a backup job nobody polls any more (its backup
		 * failed) is asked whether it ended, to remove its disk's protection tag (30 s)
		 */
		public record Aws(String region, String iamRoleArn, String kmsKeyArn, URI backupEndpoint, URI ec2Endpoint,
				URI efsEndpoint, URI stsEndpoint, URI iamEndpoint, String protectionTagKey, String protectionTagValue,
				String fileSystemKmsKeyArn, java.time.Duration deleteWait, java.time.Duration followInterval) {

			public Aws {
				protectionTagKey = protectionTagKey == null ? "wsbackup:in-use" : protectionTagKey;
				protectionTagValue = protectionTagValue == null ? "true" : protectionTagValue;
			}

		}

		/**
		 * @param maxBytesPerSecond the rate one snapshot or restore reads at; 0 is
		 * unlimited
		 * @param allowedRoots when not empty, a registered workspace's directories must
		 * lie inside one of these trees
		 */
		public record Local(DataSize maxBytesPerSecond, java.util.List<Path> allowedRoots) {

			public Local {
				maxBytesPerSecond = maxBytesPerSecond == null ? DataSize.ofBytes(0) : maxBytesPerSecond;
				allowedRoots = allowedRoots == null ? java.util.List.of() : java.util.List.copyOf(allowedRoots);
			}

		}

	}

	/**
	 * @param provider {@code none} or {@code kubernetes}
	 * @param kubernetes the kubernetes provider's settings
	 */
	public record Workloads(String provider, Kubernetes kubernetes) {

		public Workloads {
			provider = provider == null ? "none" : provider;
			kubernetes = kubernetes == null ? new Kubernetes(null, null, null, null, null, null) : kubernetes;
		}

		/**
		 * @param podWaitTimeout how long a stop waits for the workspace's pods to go by
		 * themselves
		 * @param leftoverPodGracePeriod the grace period of the deletion of pods still
		 * there after {@code podWaitTimeout}, and how long the stop waits for them
		 * afterwards
		 * @param readinessTimeout how long a start waits for the workloads to be ready
		 * (not ready in time is a warning, never a failure)
		 * @param pollInterval how often pods and readiness are checked while waiting
		 * @param annotationPrefix the prefix of the annotations the adapter writes on
		 * what it stops (e.g. {@code wsbackup.io/replicas-before-stop})
		 * @param modelBuildLabel objects carrying this label are model builds, listed as
		 * "to rebuild" by a restore
		 */
		public record Kubernetes(Duration podWaitTimeout, Duration leftoverPodGracePeriod, Duration readinessTimeout,
				Duration pollInterval, String annotationPrefix, String modelBuildLabel) {

			public Kubernetes {
				podWaitTimeout = podWaitTimeout == null ? Duration.ofMinutes(5) : podWaitTimeout;
				leftoverPodGracePeriod = leftoverPodGracePeriod == null ? Duration.ofSeconds(30)
						: leftoverPodGracePeriod;
				readinessTimeout = readinessTimeout == null ? Duration.ofMinutes(10) : readinessTimeout;
				pollInterval = pollInterval == null ? Duration.ofSeconds(2) : pollInterval;
				annotationPrefix = annotationPrefix == null ? "wsbackup.io" : annotationPrefix;
				modelBuildLabel = modelBuildLabel == null ? "wsbackup.io/model-build" : modelBuildLabel;
			}

		}

	}

	/**
	 * @param defaultTimeoutMinutes a backup's timeout when the request does not give one
	 * (12 hours)
	 * @param maxTimeoutMinutes the longest timeout a request may ask for
	 * @param pollInitialInterval the first wait between two progress polls
	 * @param pollMaxInterval the longest wait between two progress polls
	 * @param progressEventInterval a progress line is written at least this often, even
	 * without change
	 * @param cloudCompletionWindow how long the cloud may take to complete one snapshot
	 * job before it expires it; independent of the backup's timeout, so that a timed-out
	 * backup's snapshots keep running (DESIGN §2)
	 * @param workloadStartRetryBackoff starting the workloads again is tried three times,
	 * this long apart and then twice as long
	 */
	public record Backup(Integer defaultTimeoutMinutes, Integer maxTimeoutMinutes, Duration pollInitialInterval,
			Duration pollMaxInterval, Duration progressEventInterval, Duration cloudCompletionWindow,
			Duration workloadStartRetryBackoff) {

		public Backup {
			defaultTimeoutMinutes = defaultTimeoutMinutes == null ? 720 : defaultTimeoutMinutes;
			maxTimeoutMinutes = maxTimeoutMinutes == null ? 10080 : maxTimeoutMinutes;
			pollInitialInterval = pollInitialInterval == null ? Duration.ofSeconds(1) : pollInitialInterval;
			pollMaxInterval = pollMaxInterval == null ? Duration.ofMinutes(5) : pollMaxInterval;
			progressEventInterval = progressEventInterval == null ? Duration.ofMinutes(5) : progressEventInterval;
			cloudCompletionWindow = cloudCompletionWindow == null ? Duration.ofDays(7) : cloudCompletionWindow;
			workloadStartRetryBackoff = workloadStartRetryBackoff == null ? Duration.ofSeconds(2)
					: workloadStartRetryBackoff;
		}

	}

	/**
	 * How many jobs run at once. Launches beyond a limit are queued in the store
	 * ({@code WS_LAUNCH}) and started by the first runner with room, oldest first.
	 *
	 * @param maxConcurrent jobs this runner runs at once (backups, restores, deletes,
	 * drills); a job's thread is virtual, so a waiting job costs no platform thread
	 * @param maxConcurrentPerAccount backups in flight at once per cloud account, over
	 * all runners (AWS Backup runs one job per resource and has account quotas; its
	 * throttling answers slow the starts down on top of this)
	 * @param queuePollInterval how often a runner looks for queued launches it could take
	 * (at once when a launch is queued or a job ends on it)
	 */
	public record Jobs(Integer maxConcurrent, Integer maxConcurrentPerAccount, Duration queuePollInterval) {

		public Jobs {
			maxConcurrent = maxConcurrent == null ? 500 : maxConcurrent;
			maxConcurrentPerAccount = maxConcurrentPerAccount == null ? 1000 : maxConcurrentPerAccount;
			queuePollInterval = queuePollInterval == null ? Duration.ofSeconds(1) : queuePollInterval;
			if (maxConcurrent < 1 || maxConcurrentPerAccount < 1) {
				throw new IllegalArgumentException("wsbackup.jobs.max-concurrent and max-concurrent-per-account must "
						+ "be at least 1, not " + maxConcurrent + " and " + maxConcurrentPerAccount);
			}
		}

	}

	/**
	 * @param enabled register the demo workspace at the first start
	 */
	public record Demo(Boolean enabled) {

		public Demo {
			enabled = enabled == null ? Boolean.FALSE : enabled;
		}

	}

	/**
	 * Settings of the Quartz schedules (the schedules themselves are files in
	 * {@code schedulesDir}).
	 *
	 * @param pollInterval how often a scheduled backup is checked for its end (then its
	 * workspace's retention is swept), and how long due starts wait when the schedule's
	 * concurrency cap is reached (at most a second)
	 * @param retentionCron when every schedule's retention is swept on its own (a Quartz
	 * cron expression, UTC)
	 */
	public record ScheduleSettings(Duration pollInterval, String retentionCron) {

		public ScheduleSettings {
			pollInterval = pollInterval == null ? Duration.ofSeconds(30) : pollInterval;
			retentionCron = retentionCron == null ? "0 15 * * * ?" : retentionCron;
		}

	}

	/**
	 * Settings of the metrics (docs/metrics.md).
	 *
	 * @param refreshInterval how often the gauges read from the store (the last
	 * successful backup of each workspace) are read again
	 */
	public record Metrics(Duration refreshInterval) {

		public Metrics {
			refreshInterval = refreshInterval == null ? Duration.ofSeconds(30) : refreshInterval;
		}

	}

	/**
	 * Crash recovery (docs/crash-recovery.md).
	 *
	 * @param enabled scan for executions to recover (on by default); a runner heartbeats
	 * and owns its executions either way, so that no other runner takes them over
	 * @param heartbeatInterval how often this runner writes its heartbeat in the store
	 * @param deadAfter a runner whose heartbeat is older than this is dead, and its
	 * running executions are recovered; also how long a runner must itself have reached
	 * the store without interruption before it declares another one dead
	 * @param scanInterval how often this runner looks for executions to recover
	 * @param shutdownTimeout how long a graceful shutdown waits for the running steps to
	 * reach a commit point
	 * @param orphanSweepInterval how often this runner compares the vaults with the
	 * catalog (first once it has reached the store for {@code deadAfter}); 0 never
	 * @param orphanRecoveryPoints what the sweep does with a recovery point whose backup
	 * is not in the catalog: {@code delete} (the default) or {@code report}
	 */
	public record Recovery(Boolean enabled, Duration heartbeatInterval, Duration deadAfter, Duration scanInterval,
			Duration shutdownTimeout, Duration orphanSweepInterval, OrphanAction orphanRecoveryPoints) {

		public Recovery {
			enabled = enabled == null ? Boolean.TRUE : enabled;
			heartbeatInterval = heartbeatInterval == null ? Duration.ofSeconds(10) : heartbeatInterval;
			deadAfter = deadAfter == null ? Duration.ofSeconds(60) : deadAfter;
			scanInterval = scanInterval == null ? Duration.ofSeconds(10) : scanInterval;
			shutdownTimeout = shutdownTimeout == null ? Duration.ofSeconds(20) : shutdownTimeout;
			orphanSweepInterval = orphanSweepInterval == null ? Duration.ofHours(6) : orphanSweepInterval;
			orphanRecoveryPoints = orphanRecoveryPoints == null ? OrphanAction.DELETE : orphanRecoveryPoints;
		}

		/**
		 * What the orphan sweep does with a recovery point whose backup is not in the
		 * catalog: delete it, or only report it (when another installation shares the
		 * vaults).
		 */
		public enum OrphanAction {

			DELETE, REPORT

		}

	}

	/**
	 * Who may call the REST API and the actuator (health and info are open). Without
	 * tokens, issuer and token file nothing but health and info answers; the embedded
	 * default sets {@code adminTokenFile}, and a runner with the {@code mysql} profile
	 * refuses to start without any of them.
	 *
	 * @param tokens bearer tokens, each stored as the SHA-256 of the token
	 * @param oidc an OIDC issuer whose JWTs are accepted as well
	 * @param adminTokenFile a file holding an admin token, generated (mode 0600) when
	 * missing and used only when neither an admin token nor an issuer is configured; the
	 * embedded default's is {@code <data-dir>/admin-token}
	 */
	public record Security(java.util.List<Token> tokens, Oidc oidc, Path adminTokenFile) {

		public Security {
			tokens = tokens == null ? java.util.List.of() : java.util.List.copyOf(tokens);
			oidc = oidc == null ? new Oidc(null, null) : oidc;
		}

		/**
		 * One bearer token.
		 *
		 * @param name who holds it; the creator CRN of the backups it starts ends with it
		 * @param role {@code admin} (every operation) or {@code viewer} (reads only)
		 * @param sha256 the hex SHA-256 of the token ({@code printf %s "$T" | sha256sum})
		 */
		public record Token(String name, String role, String sha256) {
		}

		/**
		 * @param issuerUri the issuer (its {@code /.well-known/openid-configuration}
		 * names the keys); JWTs are accepted only when it is set
		 * @param rolesClaim the claim holding the caller's roles, {@code admin} and/or
		 * {@code viewer} (a list or a space-separated string)
		 */
		public record Oidc(String issuerUri, String rolesClaim) {

			public Oidc {
				issuerUri = (issuerUri == null || issuerUri.isBlank()) ? null : issuerUri.strip();
				rolesClaim = (rolesClaim == null || rolesClaim.isBlank()) ? "roles" : rolesClaim;
			}

		}

	}

}
