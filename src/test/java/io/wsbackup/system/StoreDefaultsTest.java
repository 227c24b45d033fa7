package io.wsbackup.system;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

class StoreDefaultsTest {

	private static Map<String, String> driverSettings(String url, Map<String, Object> configured) {
		StandardEnvironment env = new StandardEnvironment();
		env.getPropertySources().addFirst(new MapPropertySource("configured", configured));
		env.getPropertySources().addFirst(new MapPropertySource("url", Map.of("spring.datasource.url", url)));
		new StoreDefaults().postProcessEnvironment(env, new SpringApplication());
		return Binder.get(env)
			.bind("spring.datasource.hikari.data-source-properties", Bindable.mapOf(String.class, String.class))
			.orElse(Map.of());
	}

	@Test
	void aMysqlStoreGetsTheStatementCacheAndNoDriverTracingBesideWhatIsConfigured() {
		Map<String, String> settings = driverSettings("jdbc:mysql://db:3306/wsbackup",
				Map.of(StoreDefaults.PREFIX + "connectTimeout", "5000"));

		assertThat(settings).containsEntry("connectTimeout", "5000")
			.containsEntry("cachePrepStmts", "true")
			.containsEntry("prepStmtCacheSize", "250")
			.containsEntry("prepStmtCacheSqlLimit", "2048")
			.containsEntry("openTelemetry", "DISABLED");
	}

	@Test
	void aConfiguredValueWins() {
		Map<String, String> settings = driverSettings("jdbc:mysql://db:3306/wsbackup", Map
			.of(StoreDefaults.PREFIX + "cachePrepStmts", "false", StoreDefaults.PREFIX + "openTelemetry", "PREFERRED"));

		assertThat(settings).containsEntry("cachePrepStmts", "false").containsEntry("openTelemetry", "PREFERRED");
	}

	@Test
	void theEmbeddedStoreIsLeftAlone() {
		// H2 refuses settings it does not know
		assertThat(driverSettings("jdbc:h2:file:/tmp/wsbackup;WRITE_DELAY=0", Map.of())).isEmpty();
	}

	@Test
	void theRealDriverAcceptsTheSettings() throws Exception {
		Map<String, String> settings = driverSettings(TestDatabase.url(), Map.of());
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(TestDatabase.url());
		config.setUsername(TestDatabase.user());
		config.setPassword(TestDatabase.password());
		config.setMaximumPoolSize(1);
		Properties properties = new Properties();
		properties.putAll(settings);
		config.setDataSourceProperties(properties);
		try (HikariDataSource pool = new HikariDataSource(config); Connection c = pool.getConnection()) {
			for (int i = 0; i < 2; i++) {
				try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 40 + 2")) {
					assertThat(rs.next()).isTrue();
					assertThat(rs.getInt(1)).isEqualTo(42);
				}
			}
			assertThat(c.unwrap(com.mysql.cj.jdbc.JdbcConnection.class)
				.getPropertySet()
				.getBooleanProperty(com.mysql.cj.conf.PropertyKey.cachePrepStmts)
				.getValue()).isTrue();
		}
	}

}
