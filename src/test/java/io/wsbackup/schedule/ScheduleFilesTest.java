package io.wsbackup.schedule;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScheduleFilesTest {

	@TempDir
	Path dir;

	private static final String VALID = """
			name: nightly
			cron: "0 0 2 * * ?"
			time-zone: Europe/Berlin
			workspaces: all
			backup-name: "nightly-{yyyyMMdd-HHmm}"
			""";

	@Test
	void theShippedNightlyScheduleIsValidAndRunsAtTwoInBerlin() {
		var schedules = ScheduleFiles.load(Path.of("schedules"));

		assertThat(schedules).singleElement().satisfies((s) -> {
			assertThat(s.name()).isEqualTo("nightly");
			assertThat(s.cron()).isEqualTo("0 0 2 * * ?");
			assertThat(s.timeZone()).isEqualTo(ZoneId.of("Europe/Berlin"));
			assertThat(s.workspaces().all()).isTrue();
			assertThat(s.stagger()).isEqualTo(Duration.ofHours(1));
			assertThat(s.retention().keepLast()).isEqualTo(7);
		});
	}

	@Test
	void defaultsApplyToWhatAFileLeavesOut() throws IOException {
		write("a.yaml", VALID);

		Schedule s = ScheduleFiles.load(dir).get(0);

		assertThat(s.startWindow()).isEqualTo(Duration.ofHours(1));
		assertThat(s.stagger()).isZero();
		assertThat(s.timeout()).isNull();
		assertThat(s.maxConcurrent()).isEqualTo(4);
		assertThat(s.retention().isEmpty()).isTrue();
		assertThat(s.paused()).isFalse();
		assertThat(s.backupNameAt(Instant.parse("2026-11-21T01:00:00Z"))).isEqualTo("nightly-20261121-0200");
	}

	@Test
	void aFileMayHoldAListOfSchedulesSelectingByEnvironmentOrCrn() throws IOException {
		write("list.yml", """
				- name: prod
				  cron: "0 0 3 * * ?"
				  workspaces: {environment: prod}
				  backup-name: "prod-{yyyyMMdd}"
				  retention: {keep-last: 3, max-age: 30d}
				- name: one
				  cron: "0 0 4 * * ?"
				  workspaces:
				    crns: ["crn:cdp:ml:us-west-2:123456789012:workspace:3f2c6a1e-0b7d-4c1a-9a57-0d4e2f8b9c10"]
				  backup-name: "one-{yyyyMMdd}"
				  paused: true
				""");

		var schedules = ScheduleFiles.load(dir);

		assertThat(schedules).extracting(Schedule::name).containsExactly("prod", "one");
		assertThat(schedules.get(0).workspaces().environment()).isEqualTo("prod");
		assertThat(schedules.get(0).retention().maxAge()).isEqualTo(Duration.ofDays(30));
		assertThat(schedules.get(1).workspaces().crns()).hasSize(1);
		assertThat(schedules.get(1).paused()).isTrue();
	}

	@Test
	void aMissingDirectoryDeclaresNoSchedules() {
		assertThat(ScheduleFiles.load(dir.resolve("absent"))).isEmpty();
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "cron: \"0 0 25 * * ?\"|2|cron '0 0 25 * * ?' is not a valid Quartz cron",
			"time-zone: Mars/Olympus|2|time-zone 'Mars/Olympus' is not a time zone",
			"colour: blue|2|unknown key 'colour' in a schedule", "stagger: soon|2|stagger 'soon' is not a duration",
			"retention: {keep-last: 0}|2|keep-last must be a whole number of at least 1",
			"workspaces: some|2|workspaces must be 'all'", "max-concurrent: -1|2|max-concurrent must be",
			"timeout: 90s|2|timeout must be a whole number of minutes", "paused: maybe|2|paused must be true or false",
			"name: Nightly Backup|2|name 'Nightly Backup' is not valid",
			"backup-name: \"nightly {yyyyMMdd}\"|2|makes names like 'nightly 20270101'" })
	void aBadFileIsRejectedWithItsFileLineAndProblem(String badLine, int line, String problem) throws IOException {
		String key = badLine.substring(0, badLine.indexOf(':'));
		String rest = VALID.lines().filter((l) -> !l.startsWith(key + ":")).reduce("", (a, b) -> a + b + "\n");
		String first = rest.lines().findFirst().orElseThrow();
		write("bad.yaml", first + "\n" + badLine + "\n" + rest.substring(first.length() + 1));

		assertThatThrownBy(() -> ScheduleFiles.load(dir)).isInstanceOf(ScheduleFileException.class)
			.hasMessageStartingWith(dir.resolve("bad.yaml").toAbsolutePath() + ":" + line + ": ")
			.hasMessageContaining(problem);
	}

	@Test
	void aRequiredKeyMissingIsReportedAtTheSchedule() throws IOException {
		write("bad.yaml", "# a comment\nname: x\ncron: \"0 0 2 * * ?\"\nworkspaces: all\n");

		assertThatThrownBy(() -> ScheduleFiles.load(dir)).hasMessageEndingWith("bad.yaml:2: backup-name is required");
	}

	@Test
	void yamlThatDoesNotParseIsReportedWithItsLine() throws IOException {
		write("bad.yaml", "name: x\ncron: \"0 0 2 * * ?\n");

		assertThatThrownBy(() -> ScheduleFiles.load(dir)).isInstanceOf(ScheduleFileException.class)
			.hasMessageContaining("bad.yaml:3: not valid YAML");
	}

	@Test
	void twoSchedulesOfOneNameAreRejectedNamingBoth() throws IOException {
		write("a.yaml", VALID);
		write("b.yaml", "\n" + VALID);

		assertThatThrownBy(() -> ScheduleFiles.load(dir))
			.hasMessageContaining("b.yaml:2: schedule name 'nightly' is already used at")
			.hasMessageContaining("a.yaml:1");
	}

	private static final String DRILL = """
			drill:
			  name: weekly-drill
			  cron: "0 0 4 ? * SUN"
			  time-zone: Europe/Berlin
			  workspaces: {environment: prod}
			  stagger: 2h
			  start-window: 3h
			""";

	@Test
	void aDrillMappingDeclaresADrillScheduleWithOneDrillAtATimeByDefault() throws IOException {
		write("drill.yaml", DRILL);

		Schedule s = ScheduleFiles.load(dir).get(0);

		assertThat(s.kind()).isEqualTo(Schedule.Kind.DRILL);
		assertThat(s.isDrill()).isTrue();
		assertThat(s.name()).isEqualTo("weekly-drill");
		assertThat(s.cron()).isEqualTo("0 0 4 ? * SUN");
		assertThat(s.timeZone()).isEqualTo(ZoneId.of("Europe/Berlin"));
		assertThat(s.workspaces().environment()).isEqualTo("prod");
		assertThat(s.stagger()).isEqualTo(Duration.ofHours(2));
		assertThat(s.startWindow()).isEqualTo(Duration.ofHours(3));
		assertThat(s.maxConcurrent()).isEqualTo(1);
		assertThat(s.backupName()).isNull();
		assertThat(s.timeout()).isNull();
		assertThat(s.retention().isEmpty()).isTrue();
		assertThat(s.paused()).isFalse();
		assertThat(s.source()).endsWith("drill.yaml:2");
	}

	@Test
	void aListMayMixBackupAndDrillSchedules() throws IOException {
		write("both.yaml", """
				- name: nightly
				  cron: "0 0 2 * * ?"
				  workspaces: all
				  backup-name: "nightly-{yyyyMMdd}"
				- drill:
				    name: drill-all
				    cron: "0 0 5 * * ?"
				    workspaces: all
				    max-concurrent: 3
				    paused: true
				""");

		var schedules = ScheduleFiles.load(dir);

		assertThat(schedules).extracting(Schedule::name, Schedule::kind)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("nightly", Schedule.Kind.BACKUP),
					org.assertj.core.groups.Tuple.tuple("drill-all", Schedule.Kind.DRILL));
		assertThat(schedules.get(1).maxConcurrent()).isEqualTo(3);
		assertThat(schedules.get(1).paused()).isTrue();
		assertThat(schedules.get(0).fingerprint()).as("a backup schedule's fingerprint is what it always was")
			.doesNotStartWith("drill|")
			.startsWith("0 0 2 * * ?|UTC|all|nightly-{yyyyMMdd}|");
		assertThat(schedules.get(1).fingerprint()).startsWith("drill|");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			value = { "backup-name: \"x-{yyyyMMdd}\"|5|key 'backup-name' makes no sense for a drill schedule",
					"timeout: 2h|5|key 'timeout' makes no sense for a drill schedule",
					"retention: {keep-last: 3}|5|key 'retention' makes no sense for a drill schedule",
					"colour: blue|5|unknown key 'colour' in a drill schedule",
					"max-concurrent: 0|5|max-concurrent must be a whole number of at least 1" })
	void aDrillScheduleRefusesKeysOnlyBackupsHaveWithItsFileAndLine(String badLine, int line, String problem)
			throws IOException {
		write("drill.yaml", """
				# restore drills
				drill:
				  name: d
				  cron: "0 0 4 * * ?"
				  %s
				  workspaces: all
				""".formatted(badLine));

		assertThatThrownBy(() -> ScheduleFiles.load(dir)).isInstanceOf(ScheduleFileException.class)
			.hasMessageStartingWith(dir.resolve("drill.yaml").toAbsolutePath() + ":" + line + ": ")
			.hasMessageContaining(problem);
	}

	@Test
	void drillMustBeTheOnlyKeyOfItsMapping() throws IOException {
		write("drill.yaml", "name: x\ndrill:\n  name: d\n  cron: \"0 0 4 * * ?\"\n  workspaces: all\n");

		assertThatThrownBy(() -> ScheduleFiles.load(dir)).isInstanceOf(ScheduleFileException.class)
			.hasMessageContaining("drill.yaml:1: 'drill:' must be the only key of its mapping");
	}

	@Test
	void aDrillScheduleNeedsCronAndWorkspacesButNoBackupName() throws IOException {
		write("drill.yaml", "drill:\n  name: d\n  cron: \"0 0 4 * * ?\"\n");

		assertThatThrownBy(() -> ScheduleFiles.load(dir)).hasMessageEndingWith(
				"drill.yaml:2: workspaces is required: " + "'all', {environment: NAME} or {crns: [CRN, ...]}");
	}

	@Test
	void aNameIsUniqueAcrossBackupAndDrillSchedules() throws IOException {
		write("a.yaml", VALID);
		write("b.yaml", "drill:\n  name: nightly\n  cron: \"0 0 4 * * ?\"\n  workspaces: all\n");

		assertThatThrownBy(() -> ScheduleFiles.load(dir)).isInstanceOf(ScheduleFileException.class)
			.hasMessageContaining("b.yaml:2: schedule name 'nightly' is already used at")
			.hasMessageContaining("a.yaml:1")
			.hasMessageContaining("backup and drill schedules alike");
	}

	@Test
	void theDrillExampleIsValidAndNotLoadedByDefault() throws IOException {
		Path example = Path.of("schedules", "drill-weekly.yaml.example");
		write("drill-weekly.yaml", Files.readString(example));

		assertThat(ScheduleFiles.load(dir)).singleElement().satisfies((s) -> {
			assertThat(s.kind()).isEqualTo(Schedule.Kind.DRILL);
			assertThat(s.name()).isEqualTo("drill-weekly");
		});
		assertThat(ScheduleFiles.load(Path.of("schedules"))).extracting(Schedule::kind)
			.containsOnly(Schedule.Kind.BACKUP);
	}

	private void write(String name, String content) throws IOException {
		Files.writeString(dir.resolve(name), content);
	}

}
