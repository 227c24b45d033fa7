package io.wsbackup.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.efs.EfsClient;
import software.amazon.awssdk.services.iam.IamClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.wsbackup.WsbackupApplication;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.type.classreading.MetadataReader;
import org.springframework.core.type.classreading.MetadataReaderFactory;

/**
 * What the benchmarks share: the result row protocol of {@code bench/run}, percentiles, a
 * dedicated schema per benchmark on the MySQL-protocol server the tests use, the runner
 * started in-process on it, and the one HTTP client (which adds the bearer token).
 *
 * <p>
 * Row protocol:
 * {@code ROW|<benchmark>|<figure>|<measured>|<baseline>|<ratio>|<goal>|<met:
 * yes/no>} on stdout; {@code bench/run} collects the rows of every benchmark into one
 * table.
 */
final class Bench {

	/** The server the benchmarks' schemas live on (no schema, no parameters). */
	static final String SERVER = setting("WSBACKUP_BENCH_MYSQL_URL", "jdbc:mysql://127.0.0.1:3306/");

	static final String USER = setting("WSBACKUP_BENCH_MYSQL_USER", "root");

	static final String PASSWORD = setting("WSBACKUP_BENCH_MYSQL_PASSWORD", "");

	static final String PARAMS = "?connectionTimeZone=UTC&forceConnectionTimeZoneToSession=true";

	/**
	 * The bearer token every REST call carries: {@code WSBACKUP_TOKEN} when set, else a
	 * fixed one that the in-process runner is configured to accept.
	 */
	static final String TOKEN = setting("WSBACKUP_TOKEN", "wsbackup-bench-token");

	private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private Bench() {
	}

	/** Prints one result row for {@code bench/run}. */
	static void row(String benchmark, String figure, String measured, String baseline, double ratio, String goal,
			boolean met) {
		System.out.println(String.join("|", "ROW", benchmark, figure, measured, baseline,
				String.format(Locale.ROOT, "%.2f", ratio), goal, met ? "yes" : "no"));
		System.out.flush();
	}

	static String ms(double millis) {
		return String.format(Locale.ROOT, "%.1f ms", millis);
	}

	static void note(String message) {
		System.err.println("bench: " + message);
	}

	/** The p-th percentile (0-100) of the samples, nearest rank. */
	static double percentile(double[] samples, double p) {
		double[] sorted = samples.clone();
		Arrays.sort(sorted);
		int rank = (int) Math.ceil(p / 100.0 * sorted.length);
		return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
	}

	static double median(List<Double> samples) {
		return percentile(samples.stream().mapToDouble(Double::doubleValue).toArray(), 50);
	}

	/** A JDBC URL of a schema of this name, dropped and created again when asked. */
	static String schema(String name, boolean fresh) {
		if (fresh) {
			execute(SERVER + PARAMS, "DROP DATABASE IF EXISTS " + name);
		}
		execute(SERVER + PARAMS, "CREATE DATABASE IF NOT EXISTS " + name);
		return SERVER + name + PARAMS;
	}

	static void execute(String url, String sql) {
		try (Connection c = DriverManager.getConnection(url, USER, PASSWORD); Statement s = c.createStatement()) {
			s.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("cannot run '" + sql + "' on " + url
					+ ": is a MySQL-protocol server running there? (bench/run starts MariaDB)", ex);
		}
	}

	static Connection connect(String url) throws SQLException {
		return DriverManager.getConnection(url, USER, PASSWORD);
	}

	/**
	 * The runner, in this JVM, on the schema at {@code url}, with these settings over the
	 * mysql defaults and the extra configuration classes (fakes at the ports, for
	 * instance). Test classes on the classpath are not scanned (only {@code extra}
	 * counts), and Quartz stays off unless {@code spring.quartz.auto-startup=true}.
	 */
	static ConfigurableApplicationContext runner(String url, Map<String, Object> settings, Class<?>... extra) {
		Map<String, Object> p = new LinkedHashMap<>();
		p.put("spring.datasource.url", url);
		p.put("spring.datasource.username", USER);
		p.put("spring.datasource.password", PASSWORD);
		p.put("wsbackup.demo.enabled", "false");
		p.put("wsbackup.data-dir", "target/bench/data");
		p.put("wsbackup.schedules-dir", "target/bench/no-schedules");
		p.put("spring.quartz.auto-startup", "false");
		p.put("logging.level.root", "WARN");
		p.put("spring.main.banner-mode", "off");
		// the bench's token, for when security is in (ignored before)
		p.put("wsbackup.security.tokens[0].name", "bench");
		p.put("wsbackup.security.tokens[0].role", "admin");
		p.put("wsbackup.security.tokens[0].sha256", sha256(TOKEN));
		p.putAll(settings);
		List<Class<?>> sources = new ArrayList<>();
		sources.add(WsbackupApplication.class);
		sources.addAll(List.of(extra));
		SpringApplication app = new SpringApplication(sources.toArray(Class<?>[]::new));
		app.addInitializers((context) -> context.getBeanFactory()
			.registerSingleton("benchTestClassesExcluded", new TestClassesExcluded(List.of(extra))));
		// as command-line arguments: they win over application.properties
		return app.run(p.entrySet().stream().map((e) -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new));
	}

	static String sha256(String text) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * POSTs JSON to the runner and returns the body; anything but 200 fails. The one
	 * place the bearer token is added.
	 */
	static String post(URI base, String path, String json) {
		HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
			.header("Content-Type", "application/json")
			.header("Authorization", "Bearer " + TOKEN)
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build();
		return send(request);
	}

	/** GETs a path of the runner (the bearer token added here too). */
	static String get(URI base, String path) {
		return send(
				HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + TOKEN).GET().build());
	}

	private static String send(HttpRequest request) {
		try {
			HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				throw new IllegalStateException(
						request.uri() + " answered " + response.statusCode() + ": " + response.body());
			}
			return response.body();
		}
		catch (IOException ex) {
			throw new IllegalStateException(request.uri() + ": " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	static String setting(String name, String fallback) {
		String value = System.getProperty(name, System.getenv(name));
		return value == null || value.isBlank() ? fallback : value;
	}

	/**
	 * Keeps component scanning away from the test classes on the classpath (test
	 * configurations of other tests, this package), except those the benchmark passed.
	 */
	static final class TestClassesExcluded extends TypeExcludeFilter {

		private final List<String> wanted;

		TestClassesExcluded(List<Class<?>> wanted) {
			this.wanted = wanted.stream().map(Class::getName).toList();
		}

		@Override
		public boolean match(MetadataReader reader, MetadataReaderFactory factory) {
			String name = reader.getClassMetadata().getClassName();
			if (wanted.contains(name)) {
				return false;
			}
			return name.startsWith(Bench.class.getPackageName() + ".")
					|| reader.getAnnotationMetadata().hasAnnotation(TestConfiguration.class.getName())
					|| reader.getAnnotationMetadata().isAnnotated(TestConfiguration.class.getName());
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof TestClassesExcluded;
		}

		@Override
		public int hashCode() {
			return TestClassesExcluded.class.hashCode();
		}

	}

	/**
	 * Creates, in moto, the AWS Backup role and {@code count} pairs of an EBS volume and
	 * an EFS file system (4 client threads), and returns their ids.
	 */
	static List<String[]> motoStorage(URI moto, String region, int count, String tokenPrefix) throws Exception {
		var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
		List<String[]> storage = new ArrayList<>();
		try (Ec2Client ec2 = Ec2Client.builder()
			.region(Region.of(region))
			.credentialsProvider(credentials)
			.endpointOverride(moto)
			.build();
				EfsClient efs = EfsClient.builder()
					.region(Region.of(region))
					.credentialsProvider(credentials)
					.endpointOverride(moto)
					.build();
				IamClient iam = IamClient.builder()
					.region(Region.of(region))
					.credentialsProvider(credentials)
					.endpointOverride(moto)
					.build()) {
			String trust = Files.readString(Path.of("docs", "aws", "backup-role-trust-policy.json"));
			iam.createRole((r) -> r.roleName("wsbackup-aws-backup").assumeRolePolicyDocument(trust));
			long t0 = System.nanoTime();
			ExecutorService pool = Executors.newFixedThreadPool(4);
			List<Future<String[]>> created = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				int n = i;
				created.add(pool.submit(() -> new String[] {
						ec2.createVolume((r) -> r.availabilityZone(region + "a").size(8)).volumeId(),
						efs.createFileSystem((r) -> r.creationToken(tokenPrefix + n)).fileSystemId() }));
			}
			for (Future<String[]> f : created) {
				storage.add(f.get());
			}
			pool.shutdown();
			note(count + " volumes and file systems created in moto in " + (System.nanoTime() - t0) / 1_000_000
					+ " ms");
		}
		return storage;
	}

	/**
	 * Adds the settings given in a system property as {@code key=value} pairs separated
	 * by commas, over those already there.
	 */
	static void extraSettings(Map<String, Object> settings, String property) {
		for (String extra : System.getProperty(property, "").split(",")) {
			if (extra.contains("=")) {
				settings.put(extra.substring(0, extra.indexOf('=')), extra.substring(extra.indexOf('=') + 1));
			}
		}
	}

}
