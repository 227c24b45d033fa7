package io.wsbackup.schedule;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.wsbackup.backup.BackupLauncher;
import io.wsbackup.retention.Retention;
import io.wsbackup.schedule.Schedule.WorkspaceSelector;
import io.wsbackup.workspace.Crn;
import org.quartz.CronExpression;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import org.springframework.boot.convert.DurationStyle;

/**
 * Reads and validates the schedule files of a directory: every {@code *.yaml} and
 * {@code *.yml} file holds one schedule (a mapping) or a list of them (a sequence). A
 * mapping whose single key is {@code drill} holds a restore-drill schedule
 * ({@link Schedule.Kind#DRILL}); any other mapping is a backup schedule. Names are unique
 * across both kinds. The first problem found is thrown as a {@link ScheduleFileException}
 * naming the file and the line; nothing is half-read.
 */
public final class ScheduleFiles {

	static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?");

	static final Set<String> KEYS = Set.of("name", "cron", "time-zone", "workspaces", "backup-name", "start-window",
			"timeout", "stagger", "max-concurrent", "retention", "paused");

	/** The keys of a drill schedule: a backup schedule's, less what only backups have. */
	static final Set<String> DRILL_KEYS = Set.of("name", "cron", "time-zone", "workspaces", "start-window", "stagger",
			"max-concurrent", "paused");

	/** The key whose single mapping holds a drill schedule. */
	static final String DRILL = "drill";

	static final int DEFAULT_MAX_CONCURRENT = 4;

	/** A drill schedule runs one drill at a time unless told otherwise. */
	static final int DEFAULT_DRILL_MAX_CONCURRENT = 1;

	static final Duration DEFAULT_START_WINDOW = Duration.ofHours(1);

	private ScheduleFiles() {
	}

	/**
	 * The schedules declared in a directory, in file order; a directory that does not
	 * exist declares none.
	 * @throws ScheduleFileException on the first problem, naming the file and line
	 */
	public static List<Schedule> load(Path dir) {
		if (!Files.isDirectory(dir)) {
			return List.of();
		}
		List<Path> files;
		try (Stream<Path> list = Files.list(dir)) {
			files = list.filter((p) -> p.getFileName().toString().matches(".*\\.ya?ml"))
				.filter(Files::isRegularFile)
				.sorted()
				.toList();
		}
		catch (IOException ex) {
			throw new ScheduleFileException("cannot list the schedules directory " + dir + ": " + ex.getMessage());
		}
		Map<String, Schedule> byName = new LinkedHashMap<>();
		for (Path file : files) {
			for (Schedule schedule : parse(file)) {
				Schedule other = byName.putIfAbsent(schedule.name(), schedule);
				if (other != null) {
					throw new ScheduleFileException(schedule.source() + ": schedule name '" + schedule.name()
							+ "' is already used at " + other.source()
							+ "; names must be unique across all files, backup and drill schedules alike");
				}
			}
		}
		return List.copyOf(byName.values());
	}

	/** The schedules of one file. */
	static List<Schedule> parse(Path file) {
		String shown = shown(file);
		Node root;
		try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
			root = new Yaml(new LoaderOptions()).compose(reader);
		}
		catch (MarkedYAMLException ex) {
			int line = ex.getProblemMark() == null ? 1 : ex.getProblemMark().getLine() + 1;
			throw new ScheduleFileException(shown + ":" + line + ": not valid YAML: " + ex.getProblem());
		}
		catch (YAMLException | IOException ex) {
			throw new ScheduleFileException(shown + ": cannot be read: " + ex.getMessage());
		}
		if (root == null) {
			throw new ScheduleFileException(shown + ":1: the file is empty; it must hold a schedule or a list of them");
		}
		if (root instanceof SequenceNode sequence) {
			List<Schedule> schedules = new ArrayList<>();
			for (Node item : sequence.getValue()) {
				schedules.add(schedule(shown, item));
			}
			return schedules;
		}
		return List.of(schedule(shown, root));
	}

	private static Schedule schedule(String file, Node node) {
		if (node instanceof MappingNode mapping && mapping.getValue()
			.stream()
			.anyMatch((t) -> t.getKeyNode() instanceof ScalarNode key && key.getValue().equals(DRILL))) {
			if (mapping.getValue().size() != 1) {
				throw problem(file, node, "'drill:' must be the only key of its mapping: it holds the whole drill "
						+ "schedule (drill: {name: ..., cron: ..., workspaces: ...})");
			}
			Node drill = mapping.getValue().get(0).getValueNode();
			refuseBackupOnlyKeys(file, drill);
			return schedule(file, drill, mapping(file, drill, "a drill schedule", DRILL_KEYS), Schedule.Kind.DRILL);
		}
		return schedule(file, node, mapping(file, node, "a schedule", KEYS), Schedule.Kind.BACKUP);
	}

	/**
	 * Keys a backup schedule has and a drill schedule cannot: said plainly, rather than
	 * as an unknown key.
	 */
	private static void refuseBackupOnlyKeys(String file, Node drill) {
		if (!(drill instanceof MappingNode mapping)) {
			return;
		}
		for (NodeTuple tuple : mapping.getValue()) {
			if (tuple.getKeyNode() instanceof ScalarNode key && KEYS.contains(key.getValue())
					&& !DRILL_KEYS.contains(key.getValue())) {
				throw problem(file, key, "key '" + key.getValue() + "' makes no sense for a drill schedule: a drill "
						+ "restores the workspace's newest succeeded backup into a scratch workspace and removes it "
						+ "(no backup is named, timed or kept); the keys are: "
						+ String.join(", ", sorted(DRILL_KEYS)));
			}
		}
	}

	private static Schedule schedule(String file, Node node, Map<String, NodeTuple> fields, Schedule.Kind kind) {
		boolean drill = kind == Schedule.Kind.DRILL;
		String name = requiredScalar(file, node, fields, "name");
		if (!NAME.matcher(name).matches()) {
			throw problem(file, fields.get("name").getValueNode(), "name '" + name
					+ "' is not valid: use 1 to 64 lower-case letters, digits and '-', starting and ending with a letter or digit");
		}
		String cron = requiredScalar(file, node, fields, "cron");
		try {
			new CronExpression(cron);
		}
		catch (java.text.ParseException ex) {
			throw problem(file, fields.get("cron").getValueNode(), "cron '" + cron
					+ "' is not a valid Quartz cron expression (seconds minutes hours day-of-month month day-of-week [year]): "
					+ ex.getMessage());
		}
		ZoneId zone = ZoneId.of("UTC");
		String zoneText = optionalScalar(file, fields, "time-zone");
		if (zoneText != null) {
			try {
				zone = ZoneId.of(zoneText);
			}
			catch (DateTimeException ex) {
				throw problem(file, fields.get("time-zone").getValueNode(),
						"time-zone '" + zoneText + "' is not a time zone; use a region name such as Europe/Berlin");
			}
		}
		if (!fields.containsKey("workspaces")) {
			throw problem(file, node, "workspaces is required: 'all', {environment: NAME} or {crns: [CRN, ...]}");
		}
		WorkspaceSelector workspaces = workspaces(file, fields.get("workspaces").getValueNode());
		String backupName = null;
		if (!drill) {
			backupName = requiredScalar(file, node, fields, "backup-name");
			checkBackupName(file, fields.get("backup-name").getValueNode(), backupName, zone);
		}
		Duration startWindow = duration(file, fields, "start-window", DEFAULT_START_WINDOW);
		if (startWindow.isZero() || startWindow.isNegative()) {
			throw problem(file, fields.get("start-window").getValueNode(), "start-window must be positive");
		}
		Duration timeout = duration(file, fields, "timeout", null);
		if (timeout != null && (timeout.toMinutes() < 1 || !timeout.equals(Duration.ofMinutes(timeout.toMinutes())))) {
			throw problem(file, fields.get("timeout").getValueNode(),
					"timeout must be a whole number of minutes, at least 1 (e.g. 90m or 12h)");
		}
		Duration stagger = duration(file, fields, "stagger", Duration.ZERO);
		if (stagger.isNegative()) {
			throw problem(file, fields.get("stagger").getValueNode(), "stagger must not be negative");
		}
		int maxConcurrent = integer(file, fields, "max-concurrent",
				drill ? DEFAULT_DRILL_MAX_CONCURRENT : DEFAULT_MAX_CONCURRENT);
		Retention retention = new Retention(null, null);
		if (fields.containsKey("retention")) {
			Node retentionNode = fields.get("retention").getValueNode();
			Map<String, NodeTuple> r = mapping(file, retentionNode, "retention", Set.of("keep-last", "max-age"));
			Integer keepLast = r.containsKey("keep-last") ? integer(file, r, "keep-last", 1) : null;
			retention = new Retention(keepLast, duration(file, r, "max-age", null));
			if (retention.isEmpty()) {
				throw problem(file, retentionNode, "retention needs keep-last, max-age or both");
			}
			if (retention.maxAge() != null && (retention.maxAge().isZero() || retention.maxAge().isNegative())) {
				throw problem(file, r.get("max-age").getValueNode(), "max-age must be positive");
			}
		}
		boolean paused = false;
		String pausedText = optionalScalar(file, fields, "paused");
		if (pausedText != null) {
			if (!pausedText.equals("true") && !pausedText.equals("false")) {
				throw problem(file, fields.get("paused").getValueNode(),
						"paused must be true or false, not '" + pausedText + "'");
			}
			paused = Boolean.parseBoolean(pausedText);
		}
		return new Schedule(kind, name, cron, zone, workspaces, backupName, startWindow, timeout, stagger,
				maxConcurrent, retention, paused, file + ":" + line(node));
	}

	private static WorkspaceSelector workspaces(String file, Node node) {
		if (node instanceof ScalarNode scalar) {
			if (scalar.getValue().equals("all")) {
				return new WorkspaceSelector(true, null, List.of());
			}
			throw problem(file, node, "workspaces must be 'all', {environment: NAME} or {crns: [CRN, ...]}, not '"
					+ scalar.getValue() + "'");
		}
		Map<String, NodeTuple> fields = mapping(file, node, "workspaces", Set.of("environment", "crns"));
		if (fields.size() != 1) {
			throw problem(file, node, "workspaces takes exactly one of environment and crns");
		}
		if (fields.containsKey("environment")) {
			return new WorkspaceSelector(false, requiredScalar(file, node, fields, "environment"), List.of());
		}
		Node crnsNode = fields.get("crns").getValueNode();
		if (!(crnsNode instanceof SequenceNode sequence) || sequence.getValue().isEmpty()) {
			throw problem(file, crnsNode, "workspaces.crns must be a non-empty list of workspace CRNs");
		}
		List<String> crns = new ArrayList<>();
		for (Node item : sequence.getValue()) {
			String crn = scalar(file, item, "a workspace CRN");
			try {
				Crn.parse(crn, Crn.WORKSPACE);
			}
			catch (IllegalArgumentException ex) {
				throw problem(file, item, ex.getMessage());
			}
			crns.add(crn);
		}
		return new WorkspaceSelector(false, null, List.copyOf(crns));
	}

	private static void checkBackupName(String file, Node node, String pattern, ZoneId zone) {
		String sample;
		try {
			sample = new Schedule(Schedule.Kind.BACKUP, "x", "* * * * * ?", zone, null, pattern, null, null, null, 0,
					null, false, null)
				.backupNameAt(Instant.parse("2026-12-31T23:59:58Z"));
		}
		catch (IllegalArgumentException | DateTimeException ex) {
			throw problem(file, node,
					"backup-name '" + pattern + "' has a date pattern in braces that is not valid: " + ex.getMessage());
		}
		if (!BackupLauncher.isValidBackupName(sample)) {
			throw problem(file, node, "backup-name '" + pattern + "' makes names like '" + sample
					+ "', which are not valid backup names: use letters, digits, '.', '_' and '-', at most 100");
		}
	}

	private static Map<String, NodeTuple> mapping(String file, Node node, String what, Set<String> keys) {
		if (!(node instanceof MappingNode mapping)) {
			throw problem(file, node, what + " must be a mapping of " + String.join(", ", sorted(keys)));
		}
		Map<String, NodeTuple> fields = new LinkedHashMap<>();
		for (NodeTuple tuple : mapping.getValue()) {
			String key = scalar(file, tuple.getKeyNode(), "a key");
			if (!keys.contains(key)) {
				throw problem(file, tuple.getKeyNode(),
						"unknown key '" + key + "' in " + what + "; the keys are: " + String.join(", ", sorted(keys)));
			}
			if (fields.put(key, tuple) != null) {
				throw problem(file, tuple.getKeyNode(), "key '" + key + "' is given twice");
			}
		}
		return fields;
	}

	private static String requiredScalar(String file, Node owner, Map<String, NodeTuple> fields, String key) {
		String value = optionalScalar(file, fields, key);
		if (value == null || value.isBlank()) {
			throw problem(file, fields.containsKey(key) ? fields.get(key).getValueNode() : owner, key + " is required");
		}
		return value;
	}

	private static String optionalScalar(String file, Map<String, NodeTuple> fields, String key) {
		NodeTuple tuple = fields.get(key);
		return tuple == null ? null : scalar(file, tuple.getValueNode(), key);
	}

	private static String scalar(String file, Node node, String what) {
		if (!(node instanceof ScalarNode scalar)) {
			throw problem(file, node, what + " must be a single value");
		}
		return scalar.getValue();
	}

	private static Duration duration(String file, Map<String, NodeTuple> fields, String key, Duration fallback) {
		String text = optionalScalar(file, fields, key);
		if (text == null) {
			return fallback;
		}
		try {
			return DurationStyle.detectAndParse(text.trim());
		}
		catch (IllegalArgumentException ex) {
			throw problem(file, fields.get(key).getValueNode(),
					key + " '" + text + "' is not a duration; write e.g. 30s, 15m, 1h, 7d or PT1H30M");
		}
	}

	private static int integer(String file, Map<String, NodeTuple> fields, String key, int fallback) {
		String text = optionalScalar(file, fields, key);
		if (text == null) {
			return fallback;
		}
		try {
			int value = Integer.parseInt(text.trim());
			if (value >= 1) {
				return value;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw problem(file, fields.get(key).getValueNode(),
				key + " must be a whole number of at least 1, not '" + text + "'");
	}

	private static ScheduleFileException problem(String file, Node node, String message) {
		return new ScheduleFileException(file + ":" + line(node) + ": " + message);
	}

	private static int line(Node node) {
		return node.getStartMark() == null ? 1 : node.getStartMark().getLine() + 1;
	}

	private static List<String> sorted(Set<String> keys) {
		return keys.stream().sorted().toList();
	}

	private static String shown(Path file) {
		Path cwd = Path.of("").toAbsolutePath();
		Path absolute = file.toAbsolutePath().normalize();
		return absolute.startsWith(cwd) ? cwd.relativize(absolute).toString() : absolute.toString();
	}

}
