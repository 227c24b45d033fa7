package io.wsbackup.system;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.mysql.MySQLContainer;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The one place the tests decide which MySQL-protocol server they use: Testcontainers
 * MySQL where a Docker engine answers, otherwise the server at {@code 127.0.0.1:3306}
 * (MariaDB on CI and developer machines; override with the system property or environment
 * variable {@code WSBACKUP_TEST_MYSQL_URL}, e.g. {@code jdbc:mysql://host:3306/}, user
 * {@code WSBACKUP_TEST_MYSQL_USER}, default root with an empty password). Each test JVM
 * gets a schema of its own, so leftover state of another run is never seen; it is dropped
 * when the JVM ends.
 */
public final class TestDatabase {

	private static final Logger log = LoggerFactory.getLogger(TestDatabase.class);

	private static final String PARAMS = "?connectionTimeZone=UTC&forceConnectionTimeZoneToSession=true";

	private static String url;

	private static String user;

	private static String password;

	/** The server's URL without a schema, when the tests use the local server. */
	private static String server;

	private TestDatabase() {
	}

	/** Points a Spring test context at the test database. */
	public static void register(DynamicPropertyRegistry registry) {
		start();
		registry.add("spring.datasource.url", () -> url);
		registry.add("spring.datasource.username", () -> user);
		registry.add("spring.datasource.password", () -> password);
	}

	/** A JDBC URL of the test schema (starting the database on first use). */
	public static synchronized String url() {
		start();
		return url;
	}

	/**
	 * A JDBC URL of a second, empty schema of this JVM's own (created now, dropped when
	 * the JVM ends), for tests whose runners must not meet the state other tests left
	 * (the demo workspace, for one). With Testcontainers, the container's one database.
	 */
	public static synchronized String freshSchemaUrl(String suffix) {
		start();
		if (server == null) {
			return url;
		}
		String schema = url.substring(server.length(), url.indexOf('?')) + "_" + suffix;
		execute(server + PARAMS, "CREATE DATABASE " + schema);
		Runtime.getRuntime().addShutdownHook(new Thread(() -> execute(server + PARAMS, "DROP DATABASE " + schema)));
		return server + schema + PARAMS;
	}

	public static String user() {
		return user;
	}

	public static String password() {
		return password;
	}

	private static synchronized void start() {
		if (url != null) {
			return;
		}
		if (dockerAvailable()) {
			MySQLContainer mysql = new MySQLContainer("mysql:8.4");
			mysql.start();
			url = mysql.getJdbcUrl() + PARAMS.replace('?', mysql.getJdbcUrl().contains("?") ? '&' : '?');
			user = mysql.getUsername();
			password = mysql.getPassword();
			log.info("tests use Testcontainers MySQL at {}", url);
			return;
		}
		server = setting("WSBACKUP_TEST_MYSQL_URL", "jdbc:mysql://127.0.0.1:3306/");
		user = setting("WSBACKUP_TEST_MYSQL_USER", "root");
		password = setting("WSBACKUP_TEST_MYSQL_PASSWORD", "");
		String schema = "wsbackup_test_" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMddHHmmss"))
				+ "_" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
		execute(server + PARAMS, "CREATE DATABASE " + schema);
		url = server + schema + PARAMS;
		log.info("no Docker engine: tests use schema {} on {}", schema, server);
		Runtime.getRuntime().addShutdownHook(new Thread(() -> execute(server + PARAMS, "DROP DATABASE " + schema)));
	}

	private static boolean dockerAvailable() {
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (RuntimeException | LinkageError ex) {
			return false;
		}
	}

	private static void execute(String jdbcUrl, String sql) {
		try (Connection c = DriverManager.getConnection(jdbcUrl, user, password); Statement s = c.createStatement()) {
			s.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("cannot run '" + sql + "' on " + jdbcUrl
					+ ": is a MySQL-protocol server running there? (.ci/run starts MariaDB)", ex);
		}
	}

	private static String setting(String name, String fallback) {
		String value = System.getProperty(name, System.getenv(name));
		return value == null ? fallback : value;
	}

}
