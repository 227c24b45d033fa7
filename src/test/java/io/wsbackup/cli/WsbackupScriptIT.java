package io.wsbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the {@code wsbackup} script against the packaged jars (failsafe runs this after
 * {@code package}), from another directory, to prove the CLI starts from its thin jar
 * ({@code target/cli}) without Spring and with class-data sharing, while
 * {@code aws-simulator} runs from its own jar.
 */
class WsbackupScriptIT {

	private static final Path SCRIPT = Path.of("wsbackup").toAbsolutePath();

	@TempDir
	static Path elsewhere;

	@BeforeAll
	static void jarIsPackaged() throws IOException {
		try (var jars = Files.list(Path.of("target"))) {
			assertThat(jars.map(Path::toString)).as("run after package").anyMatch((name) -> name.endsWith(".jar"));
		}
	}

	@Test
	void printsTheSkeletonFromThePackagedJar() throws Exception {
		Run run = wsbackup("", "backup-workspace", "--generate-cli-skeleton");

		assertThat(run.exit()).isZero();
		assertThat(run.stdout()).contains("\"workspaceCrn\"", "\"backupName\"", "\"backupJobTimeoutMinutes\" : 0");
		assertThat(run.stdout()).doesNotContain("Spring");
	}

	@Test
	void readsTheRestoreSkeletonTemplateFromThePackagedJar() throws Exception {
		Run run = wsbackup("", "restore-workspace", "--generate-cli-skeleton");

		assertThat(run.exit()).as(run.stderr()).isZero();
		assertThat(run.stdout()).contains("\"newWorkspaceParameters\"", "\"provisionK8sRequest\"");
	}

	@Test
	void talksToTheRunnerNamedByTheVariable() throws Exception {
		try (FakeRunner runner = new FakeRunner()) {
			runner.answer("listWorkspaces", 200, "{'workspaces': [{'workspaceName': 'ws1'}]}");

			Run run = wsbackup(runner.endpoint(), "list-workspaces", "--environment-name", "env1");

			assertThat(run.exit()).isZero();
			assertThat(run.stdout()).contains("ws1");
			assertThat(runner.onlyCall().body().path("environmentName").asString()).isEqualTo("env1");
		}
	}

	@Test
	void unusedPortIsUnavailableWithExitOne() throws Exception {
		Run run = wsbackup("http://127.0.0.1:9", "list-workspaces");

		assertThat(run.exit()).isEqualTo(1);
		assertThat(run.stdout()).contains("UNAVAILABLE");
	}

	@Test
	void sendsTheEmbeddedDefaultsTokenFileUnderDataUnlessATokenIsGiven() throws Exception {
		Path tokenFile = elsewhere.resolve("data").resolve("admin-token");
		Files.createDirectories(tokenFile.getParent());
		Files.writeString(tokenFile, "token-from-the-file\n");
		try (FakeRunner runner = new FakeRunner()) {
			runner.answer("listWorkspaces", 200, "{'workspaces': []}");

			assertThat(wsbackup(runner.endpoint(), "list-workspaces").exit()).isZero();
			assertThat(wsbackup(runner.endpoint(), Map.of(WsbackupCli.TOKEN_VARIABLE, "token-from-the-variable"),
					"list-workspaces")
				.exit()).isZero();
			assertThat(wsbackup(runner.endpoint(), "list-workspaces", "--token", "token-from-the-option").exit())
				.isZero();

			assertThat(runner.calls()).extracting(FakeRunner.Call::authorization)
				.containsExactly("Bearer token-from-the-file", "Bearer token-from-the-variable",
						"Bearer token-from-the-option");
		}
		finally {
			Files.delete(tokenFile);
		}
	}

	@Test
	void runsTheThinCliJarAndRecordsAClassDataSharingArchiveThatEveryCallMaps() throws Exception {
		Path archive = Path.of("target", "cli", "wsbackup-cli.jsa");
		Files.deleteIfExists(archive);
		Path javaLog = elsewhere.resolve("java-args.txt");
		Map<String, String> recordingJava = Map.of("JAVA", recordingJava(javaLog, true).toString());

		Files.deleteIfExists(javaLog);
		Run first = wsbackup("", recordingJava, "list-workspaces", "--generate-cli-skeleton");
		String firstArgs = Files.readString(javaLog);
		Files.delete(javaLog);
		Run second = wsbackup("", recordingJava, "list-workspaces", "--generate-cli-skeleton");
		String secondArgs = Files.readString(javaLog);

		assertThat(first.exit()).as(first.stderr()).isZero();
		assertThat(second.exit()).as(second.stderr()).isZero();
		assertThat(firstArgs)
			.contains("/target/cli/wsbackup-", "-cli.jar", "-XX:TieredStopAtLevel=1", "-XX:ArchiveClassesAtExit=",
					"io.wsbackup.cli.CliTraining", "-XX:SharedArchiveFile=" + archive.toAbsolutePath(),
					"io.wsbackup.cli.WsbackupCli")
			.doesNotContain("PropertiesLauncher");
		assertThat(archive).isNotEmptyFile();
		assertThat(secondArgs).contains("-XX:SharedArchiveFile=" + archive.toAbsolutePath())
			.doesNotContain("ArchiveClassesAtExit", "CliTraining");
		assertThat(second.stdout()).isEqualTo(first.stdout()).contains("\"pageSize\"");
	}

	@Test
	void theArchiveHoldsTheClassesOfAnOrdinaryCall() throws Exception {
		Path archive = Path.of("target", "cli", "wsbackup-cli.jsa");
		Files.deleteIfExists(archive);
		assertThat(wsbackup("", "list-workspaces", "--generate-cli-skeleton").exit()).isZero();
		Path classes = elsewhere.resolve("classes.txt");

		Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:SharedArchiveFile=" + archive.toAbsolutePath(),
				"-Xlog:class+load:file=" + classes, "-cp", cliJar().toString(), "io.wsbackup.cli.WsbackupCli",
				"list-workspaces", "--output", "table", "--endpoint", "http://127.0.0.1:9")
			.redirectErrorStream(true)
			.redirectOutput(elsewhere.resolve("out.txt").toFile())
			.start();
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

		assertThat(Files.readAllLines(classes))
			.filteredOn((line) -> line.contains(" io.wsbackup.cli.Output ")
					|| line.contains(" io.wsbackup.cli.RunnerClient ") || line.contains(" io.wsbackup.cli.FastArgs "))
			.hasSize(3)
			.allMatch((line) -> line.contains("shared objects file"));
	}

	@Test
	void awsSimulatorRunsFromItsOwnJar() throws Exception {
		Path javaLog = elsewhere.resolve("java-args.txt");
		Files.deleteIfExists(javaLog);

		Run run = wsbackup("", Map.of("JAVA", recordingJava(javaLog, false).toString()), "aws-simulator", "--port",
				"0");

		assertThat(run.exit()).isZero();
		assertThat(Files.readString(javaLog)).contains("-jar", "/target/aws-simulator/wsbackup-", "-aws-simulator.jar",
				"--port");
	}

	@Test
	void theRunnersJarHoldsNoSimulatorClassAndTheSimulatorsJarNothingElse() throws IOException {
		try (var jars = Files.list(Path.of("target"))) {
			Path runner = jars
				.filter((path) -> path.getFileName().toString().matches("wsbackup-[0-9.]+(-SNAPSHOT)?\\.jar"))
				.findFirst()
				.orElseThrow();
			try (JarFile jar = new JarFile(runner.toFile())) {
				assertThat(jar.stream().map(JarEntry::getName))
					.contains("BOOT-INF/classes/io/wsbackup/launcher/Launcher.class")
					.noneMatch((name) -> name.contains("/simulator/"));
			}
		}
		try (var jars = Files.list(Path.of("target", "aws-simulator"))) {
			Path simulator = jars.filter((path) -> path.getFileName().toString().endsWith("-aws-simulator.jar"))
				.findFirst()
				.orElseThrow();
			try (JarFile jar = new JarFile(simulator.toFile())) {
				assertThat(jar.stream().map(JarEntry::getName).filter((name) -> name.endsWith(".class")))
					.contains("io/wsbackup/cloud/aws/simulator/AwsBackupSimulator.class")
					.allMatch((name) -> name.startsWith("io/wsbackup/cloud/aws/simulator/"));
				assertThat(jar.getManifest().getMainAttributes().getValue("Class-Path"))
					.contains("lib/jackson-databind.jar", "lib/slf4j-simple.jar");
			}
		}
		assertThat(Path.of("target", "aws-simulator", "lib", "jackson-databind.jar")).isNotEmptyFile();
	}

	@Test
	void theThinJarHoldsOnlyTheCliPackageAndItsResources() throws IOException {
		try (JarFile cli = new JarFile(cliJar().toFile())) {
			assertThat(cli.stream().map(JarEntry::getName))
				.allMatch((name) -> name.startsWith("io/wsbackup/cli/") || name.startsWith("api/")
						|| name.startsWith("META-INF/") || name.equals("io/") || name.equals("io/wsbackup/"))
				.contains("io/wsbackup/cli/WsbackupCli.class", "api/field-descriptions.properties");
			assertThat(cli.getManifest().getMainAttributes().getValue("Class-Path")).contains("lib/picocli.jar",
					"lib/jackson-databind.jar");
		}
		assertThat(Path.of("target", "cli", "lib", "jackson-databind.jar")).isNotEmptyFile();
	}

	private static Path cliJar() throws IOException {
		try (var jars = Files.list(Path.of("target", "cli"))) {
			return jars.filter((path) -> path.getFileName().toString().endsWith("-cli.jar"))
				.findFirst()
				.orElseThrow()
				.toAbsolutePath();
		}
	}

	/**
	 * A stand-in for java that adds its arguments to the log, then runs the real java
	 * with them, or not.
	 */
	private static Path recordingJava(Path log, boolean run) throws IOException {
		Path script = elsewhere.resolve(run ? "java-recording" : "java-recording-only");
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		Files.writeString(script, "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\" >> '" + log + "'\n"
				+ (run ? "exec '" + java + "' \"$@\"\n" : "exit 0\n"));
		script.toFile().setExecutable(true);
		return script;
	}

	private static Run wsbackup(String endpoint, String... args) throws Exception {
		return wsbackup(endpoint, Map.of(), args);
	}

	private static Run wsbackup(String endpoint, Map<String, String> environment, String... args) throws Exception {
		List<String> command = new ArrayList<>(List.of(SCRIPT.toString()));
		command.addAll(List.of(args));
		ProcessBuilder builder = new ProcessBuilder(command).directory(elsewhere.toFile());
		builder.environment().remove(WsbackupCli.ENDPOINT_VARIABLE);
		builder.environment().remove(WsbackupCli.TOKEN_VARIABLE);
		builder.environment().putAll(environment);
		if (!endpoint.isEmpty()) {
			builder.environment().put(WsbackupCli.ENDPOINT_VARIABLE, endpoint);
		}
		Path stdout = elsewhere.resolve("stdout.txt");
		Path stderr = elsewhere.resolve("stderr.txt");
		Process process = builder.redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("wsbackup finished").isTrue();
		return new Run(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
				Files.readString(stderr, StandardCharsets.UTF_8));
	}

	private record Run(int exit, String stdout, String stderr) {
	}

}
