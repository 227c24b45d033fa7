package io.wsbackup.cloud.aws.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * An AWS Backup simulator: an HTTP server speaking the AWS Backup REST-JSON protocol (the
 * paths, methods and field names of the SDK's service model), for running and testing the
 * {@code aws} adapter on one machine with moto serving EC2, EFS and STS.
 *
 * <p>
 * Served: {@code StartBackupJob} ({@code PUT /backup-jobs}), {@code DescribeBackupJob},
 * {@code ListBackupJobs}, {@code StopBackupJob}, {@code ListRecoveryPointsByBackupVault},
 * {@code DescribeRecoveryPoint}, {@code DeleteRecoveryPoint},
 * {@code GetRecoveryPointRestoreMetadata}, {@code StartRestoreJob},
 * {@code DescribeRestoreJob}, {@code ListRestoreJobs}, {@code DescribeRegionSettings},
 * {@code UpdateRegionSettings}, and the vault calls ({@code CreateBackupVault},
 * {@code DescribeBackupVault}, {@code ListBackupVaults}, {@code TagResource},
 * {@code ListTags}), which are forwarded to moto when a moto endpoint is given and kept
 * in memory otherwise.
 *
 * <p>
 * Behaviour: a backup job is {@code CREATED}, then {@code RUNNING} with a growing
 * {@code PercentDone}, {@code BytesTransferred} and an {@code ExpectedCompletionDate},
 * then {@code COMPLETED} with a recovery point after {@code jobDuration}; an idempotency
 * token returns the job it first started; a second job for a resource with a job running
 * is refused ({@code InvalidRequestException}); {@code StopBackupJob} aborts a running
 * job. Restore jobs run the same way: when one starts running it creates the new volume
 * or file system (in moto when given, else an invented id), as AWS creates the target
 * before copying into it, and {@code DescribeRestoreJob} reports it as
 * {@code CreatedResourceArn} ({@code arn:aws:ec2:<region>:<account>:volume/vol-...} or
 * {@code arn:aws:elasticfilesystem:<region>:<account>:file-system/fs-...}) from then on;
 * with {@link #setCreatedResourceReportedWhileRunning(boolean) false} only once the job
 * completed. Faults on demand ({@link Faults}): a rate of {@code ThrottlingException}, a
 * rate of 5xx, added latency, denied operations, failing jobs of a resource, held jobs.
 * State is in memory: a restarted simulator knows nothing.
 *
 * <p>
 * As strict as AWS's service model where the adapter depends on it (checked by a test
 * against botocore's {@code backup} model): list calls page ({@code MaxResults} 1 to
 * 1000, {@code NextToken}) and filter ({@code ByResourceArn}, {@code ByResourceType},
 * {@code ByState}, {@code ByStatus}); {@code StartWindowMinutes} at least 60;
 * {@code Metadata} required for restores; errors of the model's types. What real AWS does
 * on a bad day, on demand: deleted recovery points stay {@code DELETING} for
 * {@link #setDeleteDuration(Duration)}, and end {@code EXPIRED} (not deleted, though the
 * call succeeds) when {@link #setServiceLinkedRoleCreatable(boolean)} is false; a point a
 * running restore reads cannot be deleted ({@code InvalidResourceStateException}); jobs
 * of a resource wait {@code PENDING}, end {@code EXPIRED}, {@code PARTIAL} or
 * {@code FAILED} ({@link #setOutcome}); an EBS recovery point's restore metadata is the
 * volume's zone, size, type and encryption as moto had them when the job started.
 *
 * <p>
 * Control API (JSON): {@code POST /simulator/faults} (a {@link Faults} object),
 * {@code POST /simulator/hold}, {@code POST /simulator/release},
 * {@code POST /simulator/fail-resource} ({@code {"resource": "vol-1", "message": ...}}),
 * {@code POST /simulator/job-duration} ({@code {"millis": 5000}}),
 * {@code POST /simulator/outcome} ({@code {"resource": "vol-1", "outcome": "PARTIAL",
 * "message": ...}}), {@code POST /simulator/clear-outcome} ({@code {"resource":
 * "vol-1"}}), {@code POST /simulator/service-linked-role} ({@code {"creatable": false}}),
 * {@code POST /simulator/delete-duration} ({@code {"millis": 5000}}),
 * {@code POST /simulator/reset}, {@code GET /simulator/jobs},
 * {@code GET /simulator/calls} (the calls answered, in total and by operation),
 * {@code GET /simulator/start-calls} (the {@code StartBackupJob} calls by resource ARN).
 */
public final class AwsBackupSimulator implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(AwsBackupSimulator.class);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Duration TICK = Duration.ofMillis(25);

	private static final Duration DEFAULT_DELETE_DURATION = Duration.ofMillis(200);

	/**
	 * Faults injected into the AWS Backup API (not the control API).
	 *
	 * @param throttleRate share of calls answered with {@code ThrottlingException}, 0 to
	 * 1
	 * @param serverErrorRate share of calls answered with a 500
	 * {@code ServiceUnavailableException}
	 * @param latencyMillis delay added to every call
	 * @param deniedOperations operations answered with a 403
	 * {@code AccessDeniedException}
	 */
	public record Faults(double throttleRate, double serverErrorRate, long latencyMillis,
			List<String> deniedOperations) {

		public static final Faults NONE = new Faults(0, 0, 0, List.of());

		public Faults {
			deniedOperations = deniedOperations == null ? List.of() : List.copyOf(deniedOperations);
		}

	}

	private final HttpServer server;

	private final ExecutorService handlers = Executors.newFixedThreadPool(16, (r) -> daemon(r, "aws-simulator-http"));

	private final ScheduledExecutorService ticker = Executors
		.newSingleThreadScheduledExecutor((r) -> daemon(r, "aws-simulator-tick"));

	private final MotoClient moto;

	private final Clock clock;

	private final Object lock = new Object();

	private final Map<String, BackupJob> backupJobs = new LinkedHashMap<>();

	private final Map<String, String> backupTokens = new HashMap<>();

	private final Map<String, RestoreJob> restoreJobs = new LinkedHashMap<>();

	private final Map<String, String> restoreTokens = new HashMap<>();

	private final Map<String, Map<String, RecoveryPoint>> recoveryPoints = new HashMap<>();

	private final Map<String, Map<String, String>> vaults = new LinkedHashMap<>();

	private final Map<String, Map<String, String>> tags = new ConcurrentHashMap<>();

	private final Map<String, Boolean> optIn = new ConcurrentHashMap<>(DEFAULT_OPT_IN);

	private static final Map<String, Boolean> DEFAULT_OPT_IN = Map.of("EBS", true, "EFS", true, "EC2", true, "S3",
			false);

	private final Map<String, Outcome> outcomes = new HashMap<>();

	private final Map<String, String> outcomeMessages = new HashMap<>();

	private final AtomicLong calls = new AtomicLong();

	private final Map<String, AtomicLong> callsByOperation = new ConcurrentHashMap<>();

	private final Map<String, AtomicLong> startCallsByResource = new ConcurrentHashMap<>();

	private volatile Faults faults = Faults.NONE;

	private volatile Duration jobDuration;

	private volatile boolean held;

	private volatile boolean createdResourceWhileRunning = true;

	private volatile boolean serviceLinkedRoleCreatable = true;

	private volatile Duration deleteDuration = DEFAULT_DELETE_DURATION;

	/**
	 * @param port the port to listen on (0 for any free port)
	 * @param motoEndpoint moto's URL, or {@code null} to keep vaults in memory and invent
	 * restored resource ids
	 * @param jobDuration how long a backup or restore job runs
	 */
	public AwsBackupSimulator(int port, URI motoEndpoint, Duration jobDuration) throws IOException {
		this.moto = motoEndpoint == null ? null : new MotoClient(motoEndpoint);
		this.clock = Clock.systemUTC();
		this.jobDuration = jobDuration;
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
		this.server.setExecutor(handlers);
		this.server.createContext("/", this::handle);
	}

	/** Starts serving and moving jobs on. */
	public AwsBackupSimulator start() {
		server.start();
		ticker.scheduleAtFixedRate(this::tick, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
		log.info("AWS Backup simulator listening on {} (moto: {}, job duration {})", endpoint(),
				moto == null ? "none, vaults in memory" : moto.endpoint(), jobDuration);
		return this;
	}

	/** The URL to point an AWS Backup client at. */
	public URI endpoint() {
		return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
	}

	@Override
	public void close() {
		server.stop(0);
		ticker.shutdownNow();
		handlers.shutdownNow();
	}

	// ---- control, from Java or through /simulator/*

	public void setFaults(Faults faults) {
		this.faults = faults == null ? Faults.NONE : faults;
	}

	public void setJobDuration(Duration jobDuration) {
		this.jobDuration = jobDuration;
	}

	/** Backup and restore jobs make no progress until {@link #release()}. */
	public void hold() {
		held = true;
	}

	public void release() {
		held = false;
	}

	/**
	 * Whether {@code DescribeRestoreJob} reports {@code CreatedResourceArn} as soon as
	 * the resource exists (the default) or only once the job completed.
	 */
	public void setCreatedResourceReportedWhileRunning(boolean whileRunning) {
		this.createdResourceWhileRunning = whileRunning;
	}

	/**
	 * Whether the caller may create AWS Backup's service-linked role
	 * ({@code iam:CreateServiceLinkedRole}). Without it AWS Backup answers
	 * {@code DeleteRecoveryPoint} with success and leaves the point {@code EXPIRED}; so
	 * does the simulator when this is {@code false} (default {@code true}).
	 */
	public void setServiceLinkedRoleCreatable(boolean creatable) {
		this.serviceLinkedRoleCreatable = creatable;
	}

	/** How long a deleted recovery point stays {@code DELETING} before it is gone. */
	public void setDeleteDuration(Duration deleteDuration) {
		this.deleteDuration = deleteDuration;
	}

	/**
	 * Running and future backup jobs of this resource (an id such as {@code vol-1}, or an
	 * ARN) fail with this status message when they would complete.
	 */
	public void failJobsOf(String resource, String message) {
		setOutcome(resource, Outcome.FAILED, message);
	}

	/**
	 * How the running and future backup jobs of this resource (an id or an ARN) end, as
	 * real AWS Backup may end them.
	 */
	public enum Outcome {

		/** {@code FAILED} with the message when it would complete. */
		FAILED,
		/**
		 * {@code PARTIAL} (completed with issues) with the message; its recovery point is
		 * {@code COMPLETED}, usable.
		 */
		PARTIAL,
		/**
		 * {@code PARTIAL} with the message, and its recovery point {@code PARTIAL}: not
		 * usable.
		 */
		PARTIAL_UNUSABLE,
		/**
		 * Stays {@code CREATED} (accepted, not yet scheduled) until the outcome is
		 * cleared.
		 */
		CREATED,
		/** Waits {@code PENDING} in its start window until the outcome is cleared. */
		PENDING,
		/**
		 * {@code PENDING} for the job's duration, then {@code EXPIRED}: its start window
		 * passed.
		 */
		EXPIRED

	}

	/** Backup jobs of this resource end so (see {@link Outcome}). */
	public void setOutcome(String resource, Outcome outcome, String message) {
		synchronized (lock) {
			outcomes.put(resourceId(resource), outcome);
			outcomeMessages.put(resourceId(resource), message);
		}
	}

	/** Backup jobs of this resource run normally again. */
	public void clearOutcome(String resource) {
		synchronized (lock) {
			outcomes.remove(resourceId(resource));
			outcomeMessages.remove(resourceId(resource));
		}
	}

	/** Forgets every job, recovery point, in-memory vault and fault. */
	public void reset() {
		synchronized (lock) {
			backupJobs.clear();
			backupTokens.clear();
			restoreJobs.clear();
			restoreTokens.clear();
			recoveryPoints.clear();
			vaults.clear();
			tags.clear();
			outcomes.clear();
			outcomeMessages.clear();
			optIn.clear();
			optIn.putAll(DEFAULT_OPT_IN);
		}
		faults = Faults.NONE;
		held = false;
		createdResourceWhileRunning = true;
		serviceLinkedRoleCreatable = true;
		deleteDuration = DEFAULT_DELETE_DURATION;
	}

	/** Every backup job ever started, as ListBackupJobs describes it. */
	public List<Map<String, Object>> backupJobs() {
		synchronized (lock) {
			return backupJobs.values().stream().map(BackupJob::describe).toList();
		}
	}

	/** How many restore jobs were ever started. */
	public int restoreJobCount() {
		synchronized (lock) {
			return restoreJobs.size();
		}
	}

	/** The {@code Metadata} a restore job was started with. */
	public Map<String, String> restoreMetadata(String restoreJobId) {
		synchronized (lock) {
			return restoreJob(restoreJobId).metadata;
		}
	}

	/** How many AWS Backup API calls were answered, faults included. */
	public long calls() {
		return calls.get();
	}

	/**
	 * How many calls of each AWS Backup operation were answered since the start (faults
	 * included; {@link #reset()} does not clear them), by operation name
	 * ({@code DescribeBackupJob}, ...).
	 */
	public Map<String, Long> callsByOperation() {
		Map<String, Long> counts = new TreeMap<>();
		callsByOperation.forEach((operation, n) -> counts.put(operation, n.get()));
		return counts;
	}

	/**
	 * How many {@code StartBackupJob} calls named each resource (by its ARN), since the
	 * start: retries and idempotent repeats included, so a count above the jobs started
	 * for a resource is a caller asking again, not a second job.
	 */
	public Map<String, Long> startBackupJobCallsByResource() {
		Map<String, Long> counts = new TreeMap<>();
		startCallsByResource.forEach((resource, n) -> counts.put(resource, n.get()));
		return counts;
	}

	// ---- HTTP

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			String method = exchange.getRequestMethod();
			String rawPath = exchange.getRequestURI().getRawPath();
			List<String> segments = new ArrayList<>();
			for (String s : rawPath.split("/")) {
				if (!s.isEmpty()) {
					segments.add(URLDecoder.decode(s, StandardCharsets.UTF_8));
				}
			}
			byte[] body;
			try (InputStream in = exchange.getRequestBody()) {
				body = in.readAllBytes();
			}
			Answer answer;
			try {
				if (!segments.isEmpty() && segments.get(0).equals("simulator")) {
					answer = control(method, segments, body);
				}
				else {
					calls.incrementAndGet();
					answer = api(exchange, method, segments, query(exchange.getRequestURI().getRawQuery()), body);
				}
			}
			catch (ApiError ex) {
				answer = error(ex.status, ex.code, ex.getMessage());
			}
			catch (RuntimeException | InterruptedException ex) {
				log.warn("simulator failed on {} {}", method, rawPath, ex);
				answer = error(500, "ServiceUnavailableException", "simulator error: " + ex);
			}
			answer.headers.forEach((k, v) -> exchange.getResponseHeaders().put(k, v));
			exchange.sendResponseHeaders(answer.status, answer.body.length == 0 ? -1 : answer.body.length);
			if (answer.body.length > 0) {
				exchange.getResponseBody().write(answer.body);
			}
		}
	}

	private Answer api(HttpExchange exchange, String method, List<String> path, Map<String, String> query, byte[] body)
			throws IOException, InterruptedException {
		String operation = operation(method, path);
		callsByOperation.computeIfAbsent(operation, (o) -> new AtomicLong()).incrementAndGet();
		Faults f = faults;
		if (f.latencyMillis() > 0) {
			Thread.sleep(f.latencyMillis());
		}
		if (f.deniedOperations().contains(operation) || f.deniedOperations().contains("*")) {
			throw new ApiError(403, "AccessDeniedException",
					"User: arn:aws:sts::123456789012:assumed-role/wsbackup-runner"
							+ " is not authorized to perform: backup:" + operation);
		}
		double dice = ThreadLocalRandom.current().nextDouble();
		if (dice < f.throttleRate()) {
			throw new ApiError(400, "ThrottlingException", "Rate exceeded");
		}
		if (dice < f.throttleRate() + f.serverErrorRate()) {
			throw new ApiError(500, "ServiceUnavailableException",
					"The request failed due to a temporary failure of the server.");
		}
		Map<String, Object> in = body.length == 0 ? Map.of() : JSON.readValue(body, Map.class);
		return switch (operation) {
			case "StartBackupJob" -> ok(startBackupJob(exchange, in));
			case "DescribeBackupJob" -> ok(backupJob(path.get(1)).describe());
			case "ListBackupJobs" -> ok(listBackupJobs(query));
			case "StopBackupJob" -> ok(stopBackupJob(path.get(1)));
			case "ListRecoveryPointsByBackupVault" -> ok(listRecoveryPoints(path.get(1), region(exchange), query));
			case "DescribeRecoveryPoint" -> ok(recoveryPoint(path.get(1), path.get(3)).describe());
			case "DeleteRecoveryPoint" -> ok(deleteRecoveryPoint(path.get(1), path.get(3)));
			case "GetRecoveryPointRestoreMetadata" -> ok(restoreMetadata(path.get(1), path.get(3)));
			case "StartRestoreJob" -> ok(startRestoreJob(in));
			case "DescribeRestoreJob" -> ok(restoreJob(path.get(1)).describe());
			case "ListRestoreJobs" -> ok(listRestoreJobs(query));
			case "DescribeRegionSettings" -> ok(Map.of("ResourceTypeOptInPreference", Map.copyOf(optIn),
					"ResourceTypeManagementPreference", Map.of("EFS", true, "DynamoDB", true)));
			case "UpdateRegionSettings" -> ok(updateRegionSettings(in));
			case "TagResource", "ListTags", "UntagResource" -> tagCall(exchange, operation, path.get(1), body, in);
			default -> vaultCall(exchange, operation, path, in, body);
		};
	}

	/**
	 * The region the caller signed for (moto keeps vaults per region), from the
	 * credential scope of its {@code Authorization} header; us-east-1 when unsigned.
	 */
	private static String region(HttpExchange exchange) {
		String authorization = exchange.getRequestHeaders().getFirst("Authorization");
		if (authorization != null) {
			int at = authorization.indexOf("Credential=");
			if (at >= 0) {
				String[] scope = authorization.substring(at + "Credential=".length()).split("[,\\s]")[0].split("/");
				if (scope.length >= 5) {
					return scope[2];
				}
			}
		}
		return "us-east-1";
	}

	private static String operation(String method, List<String> p) {
		String first = p.isEmpty() ? "" : p.get(0);
		int n = p.size();
		return switch (first) {
			case "backup-jobs" -> n == 1 ? (method.equals("PUT") ? "StartBackupJob" : "ListBackupJobs")
					: method.equals("POST") ? "StopBackupJob" : "DescribeBackupJob";
			case "restore-jobs" ->
				n == 1 ? (method.equals("PUT") ? "StartRestoreJob" : "ListRestoreJobs") : "DescribeRestoreJob";
			case "account-settings" -> method.equals("PUT") ? "UpdateRegionSettings" : "DescribeRegionSettings";
			case "tags" -> method.equals("POST") ? "TagResource" : "ListTags";
			case "untag" -> "UntagResource";
			case "backup-vaults" -> {
				if (n >= 3 && p.get(2).equals("recovery-points")) {
					if (n == 3) {
						yield "ListRecoveryPointsByBackupVault";
					}
					if (n == 5 && p.get(4).equals("restore-metadata")) {
						yield "GetRecoveryPointRestoreMetadata";
					}
					yield method.equals("DELETE") ? "DeleteRecoveryPoint" : "DescribeRecoveryPoint";
				}
				if (n == 1) {
					yield "ListBackupVaults";
				}
				yield switch (method) {
					case "PUT" -> "CreateBackupVault";
					case "DELETE" -> "DeleteBackupVault";
					default -> "DescribeBackupVault";
				};
			}
			default -> "Unknown";
		};
	}

	// ---- backup jobs

	private Map<String, Object> startBackupJob(HttpExchange exchange, Map<String, Object> in)
			throws IOException, InterruptedException {
		String vault = required(in, "BackupVaultName");
		String resourceArn = required(in, "ResourceArn");
		startCallsByResource.computeIfAbsent(resourceArn, (r) -> new AtomicLong()).incrementAndGet();
		required(in, "IamRoleArn");
		String token = (String) in.get("IdempotencyToken");
		Arn arn = Arn.parse(resourceArn);
		long startWindow = minutes(in, "StartWindowMinutes", 480);
		long completeWindow = minutes(in, "CompleteWindowMinutes", 10080);
		if (startWindow < 60) {
			throw new ApiError(400, "InvalidParameterValueException",
					"StartWindowMinutes must be at least 60 minutes, was " + startWindow);
		}
		if (completeWindow < 1) {
			throw new ApiError(400, "InvalidParameterValueException",
					"CompleteWindowMinutes must be positive, was " + completeWindow);
		}
		synchronized (lock) {
			if (token != null && backupTokens.containsKey(token)) {
				return backupJobs.get(backupTokens.get(token)).started();
			}
		}
		if (!vaultExists(vault, region(exchange))) {
			throw new ApiError(400, "ResourceNotFoundException", "Backup vault " + vault + " does not exist");
		}
		// what AWS Backup records for the restore: the volume as it is now
		Map<String, String> sourceMetadata = moto == null ? Map.of()
				: arn.isVolume() ? moto.volumeMetadata(arn.region(), arn.resourceId())
						: moto.fileSystemMetadata(arn.region(), arn.resourceId());
		synchronized (lock) {
			if (token != null && backupTokens.containsKey(token)) {
				return backupJobs.get(backupTokens.get(token)).started();
			}
			for (BackupJob other : backupJobs.values()) {
				if (other.resourceArn.equals(resourceArn) && !other.terminal()) {
					throw new ApiError(400, "InvalidRequestException",
							"Backup job " + other.id + " is already running for resource " + resourceArn);
				}
			}
			@SuppressWarnings("unchecked")
			Map<String, String> rpTags = in.get("RecoveryPointTags") instanceof Map<?, ?> m ? (Map<String, String>) m
					: Map.of();
			BackupJob job = new BackupJob(UUID.randomUUID().toString().toUpperCase(), vault, arn, resourceArn,
					(String) in.get("IamRoleArn"), Map.copyOf(rpTags), clock.instant(), jobDuration, startWindow);
			job.sourceMetadata = Map.copyOf(sourceMetadata);
			backupJobs.put(job.id, job);
			if (token != null) {
				backupTokens.put(token, job.id);
			}
			log.info("backup job {} started for {} into {}", job.id, resourceArn, vault);
			return job.started();
		}
	}

	private BackupJob backupJob(String id) {
		synchronized (lock) {
			BackupJob job = backupJobs.get(id);
			if (job == null) {
				throw new ApiError(400, "ResourceNotFoundException", "Backup job " + id + " not found");
			}
			return job;
		}
	}

	/**
	 * {@code ListBackupJobs}: the filters {@code ByResourceArn}, {@code ByState},
	 * {@code ByBackupVaultName} and {@code ByResourceType}, paged by {@code MaxResults}
	 * (1 to 1000) and {@code NextToken}.
	 */
	private Map<String, Object> listBackupJobs(Map<String, String> query) {
		String state = query.get("state");
		if (state != null && !BACKUP_JOB_STATES.contains(state)) {
			throw new ApiError(400, "InvalidParameterValueException",
					"ByState '" + state + "' is not one of " + BACKUP_JOB_STATES);
		}
		String type = resourceTypeFilter(query);
		synchronized (lock) {
			List<Map<String, Object>> jobs = backupJobs.values()
				.stream()
				.filter((j) -> query.get("resourceArn") == null || j.resourceArn.equals(query.get("resourceArn")))
				.filter((j) -> state == null || j.state.equals(state))
				.filter((j) -> query.get("backupVaultName") == null || j.vault.equals(query.get("backupVaultName")))
				.filter((j) -> type == null || type.equals(j.resource.isVolume() ? "EBS" : "EFS"))
				.map(BackupJob::describe)
				.toList();
			return page(jobs, query, "BackupJobs");
		}
	}

	/**
	 * {@code ListRestoreJobs}: the filters {@code ByStatus} and {@code ByResourceType},
	 * paged like every list call.
	 */
	private Map<String, Object> listRestoreJobs(Map<String, String> query) {
		String status = query.get("status");
		if (status != null && !RESTORE_JOB_STATUSES.contains(status)) {
			throw new ApiError(400, "InvalidParameterValueException",
					"ByStatus '" + status + "' is not one of " + RESTORE_JOB_STATUSES);
		}
		String type = resourceTypeFilter(query);
		synchronized (lock) {
			List<Map<String, Object>> jobs = restoreJobs.values()
				.stream()
				.map(RestoreJob::describe)
				.filter((j) -> status == null || status.equals(j.get("Status")))
				.filter((j) -> type == null || type.equals(j.get("ResourceType")))
				.toList();
			return page(jobs, query, "RestoreJobs");
		}
	}

	private static final List<String> BACKUP_JOB_STATES = List.of("CREATED", "PENDING", "RUNNING", "ABORTING",
			"ABORTED", "COMPLETED", "FAILED", "EXPIRED", "PARTIAL");

	private static final List<String> RESTORE_JOB_STATUSES = List.of("PENDING", "RUNNING", "COMPLETED", "ABORTED",
			"FAILED");

	private static String resourceTypeFilter(Map<String, String> query) {
		String type = query.get("resourceType");
		if (type != null && !type.matches("^[a-zA-Z0-9\\-\\_\\.]{1,50}$")) {
			throw new ApiError(400, "InvalidParameterValueException", "ByResourceType '" + type + "' is not valid");
		}
		return type;
	}

	/**
	 * One page of a list answer: {@code MaxResults} must be 1 to 1000 (AWS's model);
	 * without it a page holds up to 1000; {@code NextToken} is the opaque token of the
	 * previous page.
	 */
	private static Map<String, Object> page(List<Map<String, Object>> all, Map<String, String> query, String member) {
		int max = 1000;
		String maxResults = query.get("maxResults");
		if (maxResults != null) {
			try {
				max = Integer.parseInt(maxResults);
			}
			catch (NumberFormatException ex) {
				max = 0;
			}
			if (max < 1 || max > 1000) {
				throw new ApiError(400, "InvalidParameterValueException",
						"MaxResults must be between 1 and 1000, was " + maxResults);
			}
		}
		int from = 0;
		String token = query.get("nextToken");
		if (token != null) {
			try {
				from = Integer
					.parseInt(new String(java.util.Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8)
						.replaceFirst("^page:", ""));
			}
			catch (IllegalArgumentException ex) {
				from = -1;
			}
			if (from < 0 || from > all.size()) {
				throw new ApiError(400, "InvalidParameterValueException", "NextToken '" + token + "' is not valid");
			}
		}
		int to = Math.min(all.size(), from + max);
		Map<String, Object> out = new LinkedHashMap<>();
		out.put(member, all.subList(from, to));
		if (to < all.size()) {
			out.put("NextToken",
					java.util.Base64.getUrlEncoder()
						.withoutPadding()
						.encodeToString(("page:" + to).getBytes(StandardCharsets.UTF_8)));
		}
		return out;
	}

	private Map<String, Object> stopBackupJob(String id) {
		synchronized (lock) {
			BackupJob job = backupJob(id);
			if (job.terminal()) {
				throw new ApiError(400, "InvalidRequestException",
						"Backup job " + id + " is in state " + job.state + " and cannot be stopped");
			}
			job.state = "ABORTING";
			job.message = "Backup job was stopped by user.";
			return Map.of();
		}
	}

	// ---- region settings

	/** {@code UpdateRegionSettings}: changes the opt-in of the resource types given. */
	private Map<String, Object> updateRegionSettings(Map<String, Object> in) {
		if (in.get("ResourceTypeOptInPreference") instanceof Map<?, ?> preferences) {
			for (Map.Entry<?, ?> entry : preferences.entrySet()) {
				if (!(entry.getValue() instanceof Boolean on)) {
					throw new ApiError(400, "InvalidParameterValueException",
							"ResourceTypeOptInPreference." + entry.getKey() + " must be true or false");
				}
				optIn.put(String.valueOf(entry.getKey()), on);
			}
		}
		return Map.of();
	}

	// ---- recovery points

	/**
	 * {@code ListRecoveryPointsByBackupVault}: the filters {@code ByResourceArn} and
	 * {@code ByResourceType}, paged like every list call.
	 */
	private Map<String, Object> listRecoveryPoints(String vault, String region, Map<String, String> query)
			throws IOException, InterruptedException {
		if (!vaultExists(vault, region)) {
			throw new ApiError(400, "ResourceNotFoundException", "Backup vault " + vault + " does not exist");
		}
		String type = resourceTypeFilter(query);
		synchronized (lock) {
			List<Map<String, Object>> points = recoveryPoints.getOrDefault(vault, Map.of())
				.values()
				.stream()
				.filter((p) -> query.get("resourceArn") == null || p.resourceArn.equals(query.get("resourceArn")))
				.filter((p) -> type == null || type.equals(p.source.isVolume() ? "EBS" : "EFS"))
				.map(RecoveryPoint::describe)
				.toList();
			return page(points, query, "RecoveryPoints");
		}
	}

	private RecoveryPoint recoveryPoint(String vault, String arn) {
		synchronized (lock) {
			RecoveryPoint point = recoveryPoints.getOrDefault(vault, Map.of()).get(arn);
			if (point == null) {
				throw new ApiError(400, "ResourceNotFoundException",
						"Recovery point " + arn + " not found in vault " + vault);
			}
			return point;
		}
	}

	/**
	 * As AWS Backup: the point goes {@code DELETING} and is gone after
	 * {@code deleteDuration}; without the service-linked role permission
	 * ({@link #setServiceLinkedRoleCreatable(boolean) false}) the call succeeds but the
	 * point ends {@code EXPIRED}, not deleted; a point that a running restore reads is
	 * refused with {@code InvalidResourceStateException}.
	 */
	private Map<String, Object> deleteRecoveryPoint(String vault, String arn) {
		synchronized (lock) {
			RecoveryPoint point = recoveryPoint(vault, arn);
			for (RestoreJob job : restoreJobs.values()) {
				if (job.point == point && !job.terminal()) {
					throw new ApiError(400, "InvalidResourceStateException",
							"Recovery point " + arn + " cannot be deleted: restore job " + job.id + " is using it");
				}
			}
			if (point.status.equals("DELETING")) {
				throw new ApiError(400, "InvalidResourceStateException",
						"Recovery point " + arn + " is already being deleted");
			}
			if (!serviceLinkedRoleCreatable) {
				point.status = "EXPIRED";
				point.message = "Insufficient permissions to delete the recovery point: the caller cannot create"
						+ " the service-linked role AWSServiceRoleForBackup (iam:CreateServiceLinkedRole)";
				log.info("recovery point {} left EXPIRED: no permission to create the service-linked role", arn);
				return Map.of();
			}
			point.status = "DELETING";
			point.message = null;
			point.goneAt = clock.instant().plus(deleteDuration);
			log.info("recovery point {} deleting from {}", arn, vault);
			return Map.of();
		}
	}

	private Map<String, Object> restoreMetadata(String vault, String arn) {
		RecoveryPoint point = recoveryPoint(vault, arn);
		Map<String, String> metadata = new LinkedHashMap<>();
		if (point.source.isVolume()) {
			metadata.put("volumeId", point.source.resourceId());
			metadata.put("encrypted", "false");
			metadata.put("volumeType", "gp3");
			metadata.putAll(point.sourceMetadata);
		}
		else {
			metadata.put("file-system-id", point.source.resourceId());
			metadata.put("Encrypted", "false");
			metadata.put("PerformanceMode", "generalPurpose");
			metadata.put("newFileSystem", "true");
			metadata.putAll(point.sourceMetadata);
		}
		return Map.of("BackupVaultArn", vaultArn(vault, point.source), "RecoveryPointArn", arn, "RestoreMetadata",
				metadata, "ResourceType", point.source.isVolume() ? "EBS" : "EFS");
	}

	// ---- restore jobs

	@SuppressWarnings("unchecked")
	private Map<String, Object> startRestoreJob(Map<String, Object> in) {
		String rpArn = required(in, "RecoveryPointArn");
		required(in, "IamRoleArn");
		String token = (String) in.get("IdempotencyToken");
		if (!(in.get("Metadata") instanceof Map<?, ?> m)) {
			throw new ApiError(400, "MissingParameterValueException", "Metadata is required");
		}
		Map<String, String> metadata = (Map<String, String>) m;
		if (metadata.get("KmsKeyId") != null && !"true".equalsIgnoreCase(metadata.get("Encrypted"))
				&& metadata.containsKey("newFileSystem")) {
			// EFS refuses a key for a file system that is not encrypted
			throw new ApiError(400, "InvalidParameterValueException",
					"KmsKeyId is given but Encrypted is not true: an EFS file system with a KMS key must be encrypted");
		}
		synchronized (lock) {
			if (token != null && restoreTokens.containsKey(token)) {
				return Map.of("RestoreJobId", restoreTokens.get(token));
			}
			RecoveryPoint point = recoveryPoints.values()
				.stream()
				.map((v) -> v.get(rpArn))
				.filter((p) -> p != null)
				.findFirst()
				.orElseThrow(
						() -> new ApiError(400, "ResourceNotFoundException", "Recovery point " + rpArn + " not found"));
			if (!point.status.equals("COMPLETED")) {
				throw new ApiError(400, "InvalidRequestException",
						"Recovery point " + rpArn + " is " + point.status + " and cannot be restored");
			}
			RestoreJob job = new RestoreJob(
					String.valueOf(100000 + restoreJobs.size() + ThreadLocalRandom.current().nextInt(1000) * 1000L),
					point, Map.copyOf(metadata), token, clock.instant(), jobDuration);
			restoreJobs.put(job.id, job);
			if (token != null) {
				restoreTokens.put(token, job.id);
			}
			log.info("restore job {} started from {}", job.id, rpArn);
			return Map.of("RestoreJobId", job.id);
		}
	}

	private RestoreJob restoreJob(String id) {
		synchronized (lock) {
			RestoreJob job = restoreJobs.get(id);
			if (job == null) {
				throw new ApiError(400, "ResourceNotFoundException", "Restore job " + id + " not found");
			}
			return job;
		}
	}

	// ---- vaults and tags: moto when given, memory otherwise

	private boolean vaultExists(String vault, String region) throws IOException, InterruptedException {
		if (moto != null) {
			return moto.vaultExists(vault, region == null ? "us-east-1" : region);
		}
		synchronized (lock) {
			return vaults.containsKey(vault);
		}
	}

	private Answer vaultCall(HttpExchange exchange, String operation, List<String> path, Map<String, Object> in,
			byte[] body) throws IOException, InterruptedException {
		if (moto != null) {
			return forward(exchange, body);
		}
		synchronized (lock) {
			switch (operation) {
				case "CreateBackupVault" -> {
					String name = path.get(1);
					if (vaults.containsKey(name)) {
						throw new ApiError(400, "AlreadyExistsException", "Backup vault " + name + " already exists");
					}
					@SuppressWarnings("unchecked")
					Map<String, String> vaultTags = in.get("BackupVaultTags") instanceof Map<?, ?> m
							? (Map<String, String>) m : Map.of();
					vaults.put(name, Map.copyOf(vaultTags));
					tags.put(localVaultArn(name), new ConcurrentHashMap<>(vaultTags));
					return ok(Map.of("BackupVaultName", name, "BackupVaultArn", localVaultArn(name), "CreationDate",
							epoch(clock.instant())));
				}
				case "DescribeBackupVault" -> {
					String name = path.get(1);
					if (!vaults.containsKey(name)) {
						throw new ApiError(400, "ResourceNotFoundException",
								"Backup vault " + name + " does not exist");
					}
					return ok(Map.of("BackupVaultName", name, "BackupVaultArn", localVaultArn(name),
							"NumberOfRecoveryPoints", recoveryPoints.getOrDefault(name, Map.of()).size()));
				}
				case "ListBackupVaults" -> {
					return ok(Map.of("BackupVaultList",
							vaults.keySet()
								.stream()
								.map((n) -> Map.of("BackupVaultName", n, "BackupVaultArn", localVaultArn(n)))
								.toList()));
				}
				default -> throw new ApiError(404, "UnknownOperationException",
						"the simulator does not serve " + exchange.getRequestMethod() + " " + exchange.getRequestURI());
			}
		}
	}

	@SuppressWarnings("unchecked")
	private Answer tagCall(HttpExchange exchange, String operation, String arn, byte[] body, Map<String, Object> in)
			throws IOException, InterruptedException {
		if (moto != null && arn.contains(":backup-vault:")) {
			return forward(exchange, body);
		}
		Map<String, String> current = tags.computeIfAbsent(arn, (k) -> new ConcurrentHashMap<>());
		return switch (operation) {
			case "TagResource" -> {
				if (in.get("Tags") instanceof Map<?, ?> m) {
					current.putAll((Map<String, String>) m);
				}
				yield ok(Map.of());
			}
			case "UntagResource" -> {
				if (in.get("TagKeyList") instanceof List<?> keys) {
					keys.forEach(current::remove);
				}
				yield ok(Map.of());
			}
			default -> ok(Map.of("Tags", Map.copyOf(current)));
		};
	}

	private Answer forward(HttpExchange exchange, byte[] body) throws IOException, InterruptedException {
		URI uri = exchange.getRequestURI();
		String pathAndQuery = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
		MotoClient.Answer answer = moto.forward(exchange.getRequestMethod(), pathAndQuery, exchange.getRequestHeaders(),
				body);
		Map<String, List<String>> headers = new HashMap<>();
		answer.headers().forEach((k, v) -> {
			if (k.equalsIgnoreCase("content-type") || k.toLowerCase().startsWith("x-amz")) {
				headers.put(k, v);
			}
		});
		return new Answer(answer.status(), headers, answer.body());
	}

	// ---- time

	private void tick() {
		try {
			List<RestoreJob> toCreate = new ArrayList<>();
			synchronized (lock) {
				for (BackupJob job : backupJobs.values()) {
					job.advance();
				}
				for (RestoreJob job : restoreJobs.values()) {
					if (job.advance()) {
						toCreate.add(job);
					}
				}
				Instant now = clock.instant();
				for (Map<String, RecoveryPoint> points : recoveryPoints.values()) {
					points.values().removeIf((p) -> {
						boolean gone = p.status.equals("DELETING") && !now.isBefore(p.goneAt);
						if (gone) {
							tags.remove(p.arn);
							log.info("recovery point {} deleted from {}", p.arn, p.vault);
						}
						return gone;
					});
				}
			}
			for (RestoreJob job : toCreate) {
				createRestoredResource(job);
			}
		}
		catch (RuntimeException ex) {
			log.warn("simulator tick failed", ex);
		}
	}

	private void createRestoredResource(RestoreJob job) {
		Arn source = job.point.source;
		String id;
		String failure = null;
		try {
			if (moto == null) {
				id = (source.isVolume() ? "vol-" : "fs-") + hex(source.isVolume() ? 17 : 8);
			}
			else if (source.isVolume()) {
				String zone = job.metadata.getOrDefault("availabilityZone", source.region() + "a");
				int size = Integer.parseInt(job.metadata.getOrDefault("volumeSize", "1"));
				id = moto.createVolume(source.region(), zone, size, job.metadata.getOrDefault("volumeType", "gp3"));
			}
			else {
				id = moto.createFileSystem(source.region(),
						job.metadata.getOrDefault("CreationToken", job.token == null ? job.id : job.token));
			}
		}
		catch (IOException | RuntimeException ex) {
			id = null;
			failure = "the restored resource could not be created: " + ex.getMessage();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		synchronized (lock) {
			if (id != null) {
				job.createdResourceArn = source.isVolume()
						? "arn:aws:ec2:" + source.region() + ":" + source.account() + ":volume/" + id
						: "arn:aws:elasticfilesystem:" + source.region() + ":" + source.account() + ":file-system/"
								+ id;
				job.status = "RUNNING";
				log.info("restore job {} created {}", job.id, job.createdResourceArn);
			}
			else {
				job.status = "FAILED";
				job.message = failure;
				job.completedAt = clock.instant();
			}
		}
	}

	// ---- the state

	private final class BackupJob {

		final String id;

		final String vault;

		final Arn resource;

		final String resourceArn;

		final String roleArn;

		final Map<String, String> recoveryPointTags;

		final Instant createdAt;

		final Duration duration;

		final String recoveryPointArn;

		String state = "CREATED";

		String message;

		long elapsedMillis;

		Instant completedAt;

		final long startWindowMinutes;

		Map<String, String> sourceMetadata = Map.of();

		BackupJob(String id, String vault, Arn resource, String resourceArn, String roleArn,
				Map<String, String> recoveryPointTags, Instant createdAt, Duration duration, long startWindowMinutes) {
			this.id = id;
			this.startWindowMinutes = startWindowMinutes;
			this.vault = vault;
			this.resource = resource;
			this.resourceArn = resourceArn;
			this.roleArn = roleArn;
			this.recoveryPointTags = recoveryPointTags;
			this.createdAt = createdAt;
			this.duration = duration;
			this.recoveryPointArn = resource.isVolume()
					? "arn:aws:ec2:" + resource.region() + "::snapshot/snap-" + hex(17) : "arn:aws:backup:"
							+ resource.region() + ":" + resource.account() + ":recovery-point:" + UUID.randomUUID();
		}

		boolean terminal() {
			return List.of("COMPLETED", "FAILED", "ABORTED", "EXPIRED", "PARTIAL").contains(state);
		}

		void advance() {
			if (state.equals("ABORTING")) {
				end("ABORTED");
				return;
			}
			if (terminal() || held) {
				return;
			}
			Outcome outcome = outcomes.get(resource.resourceId());
			String outcomeMessage = outcomeMessages.get(resource.resourceId());
			if (outcome == Outcome.CREATED || outcome == Outcome.PENDING) {
				state = outcome.name();
				return;
			}
			elapsedMillis += TICK.toMillis();
			if (outcome == Outcome.EXPIRED) {
				state = "PENDING";
				if (elapsedMillis >= duration.toMillis()) {
					elapsedMillis = 0;
					message = outcomeMessage != null ? outcomeMessage
							: "The backup job did not start within its start window of " + startWindowMinutes
									+ " minutes";
					end("EXPIRED");
				}
				return;
			}
			state = "RUNNING";
			if (elapsedMillis >= duration.toMillis()) {
				if (outcome == Outcome.FAILED) {
					message = outcomeMessage;
					end("FAILED");
					return;
				}
				boolean partial = outcome == Outcome.PARTIAL || outcome == Outcome.PARTIAL_UNUSABLE;
				if (partial) {
					message = outcomeMessage;
				}
				end(partial ? "PARTIAL" : "COMPLETED");
				RecoveryPoint point = new RecoveryPoint(recoveryPointArn, vault, resource, resourceArn, roleArn,
						createdAt, completedAt, bytes(duration.toMillis()));
				point.sourceMetadata = sourceMetadata;
				if (outcome == Outcome.PARTIAL_UNUSABLE) {
					point.status = "PARTIAL";
					point.message = outcomeMessage;
				}
				recoveryPoints.computeIfAbsent(vault, (v) -> new LinkedHashMap<>()).put(recoveryPointArn, point);
				tags.put(recoveryPointArn, new ConcurrentHashMap<>(recoveryPointTags));
			}
		}

		private void end(String finalState) {
			state = finalState;
			completedAt = clock.instant();
			log.info("backup job {} of {} ended {}", id, resourceArn, finalState);
		}

		long bytes(long elapsed) {
			return Math.min(elapsed, duration.toMillis()) * (64L << 20) / Math.max(1, duration.toMillis());
		}

		Map<String, Object> started() {
			return Map.of("BackupJobId", id, "RecoveryPointArn", recoveryPointArn, "CreationDate", epoch(createdAt));
		}

		Map<String, Object> describe() {
			Map<String, Object> out = new LinkedHashMap<>();
			out.put("AccountId", resource.account());
			out.put("BackupJobId", id);
			out.put("BackupVaultName", vault);
			out.put("BackupVaultArn", vaultArn(vault, resource));
			out.put("ResourceArn", resourceArn);
			out.put("ResourceType", resource.isVolume() ? "EBS" : "EFS");
			out.put("IamRoleArn", roleArn);
			out.put("CreationDate", epoch(createdAt));
			out.put("State", state);
			double percent = state.equals("COMPLETED") || state.equals("PARTIAL") ? 100.0
					: Math.min(99.0, 100.0 * elapsedMillis / Math.max(1, duration.toMillis()));
			out.put("PercentDone", String.format(java.util.Locale.ROOT, "%.1f", percent));
			out.put("BytesTransferred", bytes(elapsedMillis));
			out.put("BackupSizeInBytes", bytes(elapsedMillis));
			if (!terminal()) {
				out.put("ExpectedCompletionDate",
						epoch(clock.instant().plusMillis(Math.max(0, duration.toMillis() - elapsedMillis))));
			}
			if (message != null) {
				out.put("StatusMessage", message);
			}
			if (completedAt != null) {
				out.put("CompletionDate", epoch(completedAt));
			}
			if (state.equals("COMPLETED") || state.equals("PARTIAL")) {
				out.put("RecoveryPointArn", recoveryPointArn);
			}
			out.put("StartBy", epoch(createdAt.plus(Duration.ofMinutes(startWindowMinutes))));
			return out;
		}

	}

	private static final class RecoveryPoint {

		final String arn;

		final String vault;

		final Arn source;

		final String resourceArn;

		final String roleArn;

		final Instant createdAt;

		final Instant completedAt;

		final long size;

		/** COMPLETED, DELETING (gone at {@link #goneAt}) or EXPIRED. */
		String status = "COMPLETED";

		String message;

		Instant goneAt;

		Map<String, String> sourceMetadata = Map.of();

		RecoveryPoint(String arn, String vault, Arn source, String resourceArn, String roleArn, Instant createdAt,
				Instant completedAt, long size) {
			this.arn = arn;
			this.vault = vault;
			this.source = source;
			this.resourceArn = resourceArn;
			this.roleArn = roleArn;
			this.createdAt = createdAt;
			this.completedAt = completedAt;
			this.size = size;
		}

		Map<String, Object> describe() {
			Map<String, Object> out = new LinkedHashMap<>();
			out.put("RecoveryPointArn", arn);
			out.put("BackupVaultName", vault);
			out.put("BackupVaultArn", vaultArn(vault, source));
			out.put("ResourceArn", resourceArn);
			out.put("ResourceType", source.isVolume() ? "EBS" : "EFS");
			out.put("IamRoleArn", roleArn);
			out.put("Status", status);
			if (message != null) {
				out.put("StatusMessage", message);
			}
			out.put("CreationDate", epoch(createdAt));
			out.put("CompletionDate", epoch(completedAt));
			out.put("BackupSizeInBytes", size);
			return out;
		}

	}

	private final class RestoreJob {

		final String id;

		final RecoveryPoint point;

		final Map<String, String> metadata;

		final String token;

		final Instant createdAt;

		final Duration duration;

		String status = "PENDING";

		String message;

		long elapsedMillis;

		String createdResourceArn;

		Instant completedAt;

		RestoreJob(String id, RecoveryPoint point, Map<String, String> metadata, String token, Instant createdAt,
				Duration duration) {
			this.id = id;
			this.point = point;
			this.metadata = metadata;
			this.token = token;
			this.createdAt = createdAt;
			this.duration = duration;
		}

		boolean terminal() {
			return status.equals("COMPLETED") || status.equals("FAILED") || status.equals("ABORTED");
		}

		/**
		 * Moves on; true when the job has just started and needs its resource created.
		 */
		boolean advance() {
			if (status.equals("PENDING")) {
				status = "CREATING";
				return true;
			}
			if (!status.equals("RUNNING") || held) {
				return false;
			}
			elapsedMillis += TICK.toMillis();
			if (elapsedMillis >= duration.toMillis()) {
				status = "COMPLETED";
				completedAt = clock.instant();
			}
			return false;
		}

		Map<String, Object> describe() {
			Map<String, Object> out = new LinkedHashMap<>();
			out.put("AccountId", point.source.account());
			out.put("RestoreJobId", id);
			out.put("RecoveryPointArn", point.arn);
			out.put("SourceResourceArn", point.resourceArn);
			out.put("ResourceType", point.source.isVolume() ? "EBS" : "EFS");
			out.put("CreationDate", epoch(createdAt));
			out.put("Status", status.equals("CREATING") ? "RUNNING" : status);
			out.put("PercentDone", String.format(java.util.Locale.ROOT, "%.1f", status.equals("COMPLETED") ? 100.0
					: Math.min(99.0, 100.0 * elapsedMillis / Math.max(1, duration.toMillis()))));
			out.put("BackupSizeInBytes", point.size);
			out.put("ExpectedCompletionTimeMinutes", Math.max(1, duration.toMinutes()));
			if (message != null) {
				out.put("StatusMessage", message);
			}
			if (createdResourceArn != null && (createdResourceWhileRunning || status.equals("COMPLETED"))) {
				out.put("CreatedResourceArn", createdResourceArn);
			}
			if (completedAt != null) {
				out.put("CompletionDate", epoch(completedAt));
			}
			return out;
		}

	}

	/** The parts of a volume's or file system's ARN the simulator needs. */
	record Arn(String region, String account, String resourceId, boolean isVolume) {

		static Arn parse(String arn) {
			String[] parts = arn.split(":", 6);
			if (parts.length != 6 || !parts[0].equals("arn")
					|| !(parts[5].startsWith("volume/") || parts[5].startsWith("file-system/"))) {
				throw new ApiError(400, "InvalidParameterValueException", "Invalid ARN " + arn
						+ ": expected arn:aws:ec2:<region>:<account>:volume/vol-... or arn:aws:elasticfilesystem:<region>:<account>:file-system/fs-...");
			}
			return new Arn(parts[3], parts[4], parts[5].substring(parts[5].indexOf('/') + 1),
					parts[5].startsWith("volume/"));
		}

	}

	// ---- helpers

	private String localVaultArn(String name) {
		return "arn:aws:backup:us-east-1:123456789012:backup-vault:" + name;
	}

	private static String vaultArn(String vault, Arn resource) {
		return "arn:aws:backup:" + resource.region() + ":" + resource.account() + ":backup-vault:" + vault;
	}

	private static String resourceId(String resource) {
		return resource.contains("/") ? resource.substring(resource.lastIndexOf('/') + 1) : resource;
	}

	private static BigDecimal epoch(Instant instant) {
		return BigDecimal.valueOf(instant.toEpochMilli()).movePointLeft(3);
	}

	private static String hex(int digits) {
		byte[] bytes = new byte[(digits + 1) / 2];
		ThreadLocalRandom.current().nextBytes(bytes);
		return HexFormat.of().formatHex(bytes).substring(0, digits);
	}

	private static String required(Map<String, Object> in, String field) {
		Object value = in.get(field);
		if (!(value instanceof String s) || s.isBlank()) {
			throw new ApiError(400, "MissingParameterValueException", field + " is required");
		}
		return s;
	}

	private static long minutes(Map<String, Object> in, String field, long absent) {
		Object value = in.get(field);
		if (value == null) {
			return absent;
		}
		if (!(value instanceof Number n)) {
			throw new ApiError(400, "InvalidParameterValueException", field + " must be a number of minutes");
		}
		return n.longValue();
	}

	private static Map<String, String> query(String raw) {
		Map<String, String> out = new HashMap<>();
		if (raw == null) {
			return out;
		}
		for (String pair : raw.split("&")) {
			int eq = pair.indexOf('=');
			if (eq > 0) {
				out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
						URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
			}
		}
		return out;
	}

	private static Thread daemon(Runnable r, String name) {
		Thread thread = new Thread(r, name);
		thread.setDaemon(true);
		return thread;
	}

	private Answer control(String method, List<String> path, byte[] body) {
		String what = path.size() > 1 ? path.get(1) : "";
		Map<String, Object> in = body.length == 0 ? Map.of() : JSON.readValue(body, Map.class);
		switch (what) {
			case "faults" -> setFaults(JSON.readValue(body, Faults.class));
			case "hold" -> hold();
			case "release" -> release();
			case "reset" -> reset();
			case "fail-resource" ->
				failJobsOf(required(in, "resource"), String.valueOf(in.getOrDefault("message", "simulated failure")));
			case "job-duration" -> setJobDuration(Duration.ofMillis(((Number) in.get("millis")).longValue()));
			case "outcome" -> setOutcome(required(in, "resource"), outcome(required(in, "outcome")),
					in.get("message") == null ? null : String.valueOf(in.get("message")));
			case "clear-outcome" -> clearOutcome(required(in, "resource"));
			case "service-linked-role" -> setServiceLinkedRoleCreatable(!Boolean.FALSE.equals(in.get("creatable")));
			case "delete-duration" -> setDeleteDuration(Duration.ofMillis(((Number) in.get("millis")).longValue()));
			case "created-resource-while-running" ->
				setCreatedResourceReportedWhileRunning(Boolean.TRUE.equals(in.get("whileRunning")));
			case "jobs" -> {
				return ok(Map.of("BackupJobs", backupJobs()));
			}
			case "calls" -> {
				return ok(Map.of("Total", calls(), "ByOperation", callsByOperation()));
			}
			case "start-calls" -> {
				return ok(Map.of("StartBackupJobByResource", startBackupJobCallsByResource()));
			}
			default -> throw new ApiError(404, "UnknownOperationException",
					"no control operation " + method + " " + what
							+ "; try faults, hold, release, reset, fail-resource, job-duration,"
							+ " created-resource-while-running, outcome, clear-outcome, service-linked-role,"
							+ " delete-duration, jobs, calls, start-calls");
		}
		log.info("simulator control: {}", what);
		return ok(Map.of());
	}

	private static Outcome outcome(String name) {
		try {
			return Outcome.valueOf(name);
		}
		catch (IllegalArgumentException ex) {
			throw new ApiError(400, "InvalidParameterValueException",
					"outcome '" + name + "' is not one of " + List.of(Outcome.values()));
		}
	}

	private static Answer ok(Map<String, ?> body) {
		return new Answer(200, Map.of("Content-Type", List.of("application/json")), JSON.writeValueAsBytes(body));
	}

	private static Answer error(int status, String code, String message) {
		Map<String, Object> body = Map.of("__type", code, "Code", code, "message", message, "Message", message);
		return new Answer(status,
				Map.of("Content-Type", List.of("application/json"), "x-amzn-ErrorType", List.of(code)),
				JSON.writeValueAsBytes(body));
	}

	private record Answer(int status, Map<String, List<String>> headers, byte[] body) {

	}

	private static final class ApiError extends RuntimeException {

		final int status;

		final String code;

		ApiError(int status, String code, String message) {
			super(message);
			this.status = status;
			this.code = code;
		}

	}

	/**
	 * Runs the simulator until the process is stopped:
	 * {@code --port PORT [--moto-endpoint URL] [--job-seconds N]}.
	 */
	public static void main(String[] args) throws IOException, InterruptedException {
		int port = 0;
		URI motoEndpoint = null;
		Duration duration = Duration.ofSeconds(10);
		for (int i = 0; i < args.length; i++) {
			String arg = args[i];
			String value = i + 1 < args.length ? args[i + 1] : null;
			switch (arg) {
				case "--port" -> port = Integer.parseInt(require(arg, value));
				case "--moto-endpoint" -> motoEndpoint = URI.create(require(arg, value));
				case "--job-seconds" ->
					duration = Duration.ofMillis((long) (Double.parseDouble(require(arg, value)) * 1000));
				default -> throw new IllegalArgumentException("aws-simulator: unknown option " + arg
						+ "; usage: aws-simulator --port PORT [--moto-endpoint URL] [--job-seconds N]");
			}
			i++;
		}
		AwsBackupSimulator simulator = new AwsBackupSimulator(port, motoEndpoint, duration).start();
		Runtime.getRuntime().addShutdownHook(new Thread(simulator::close));
		new java.util.concurrent.CountDownLatch(1).await();
	}

	private static String require(String option, String value) {
		if (value == null) {
			throw new IllegalArgumentException("aws-simulator: " + option + " needs a value");
		}
		return value;
	}

}
