package io.wsbackup.system;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Connector/J settings for a MySQL store, whichever way its URL was given (the
 * {@code mysql} profile, {@code spring.datasource.url}, {@code WSBACKUP_DB_URL}), as the
 * lowest-ranked source so that any configured value wins:
 * <ul>
 * <li>{@code cachePrepStmts}, {@code prepStmtCacheSize=250},
 * {@code prepStmtCacheSqlLimit=2048}: each connection keeps the parsed form of the
 * statements it ran instead of parsing every statement again (a job step runs the same
 * few dozen statements; parsing was about 5 % of a runner's CPU in a fleet night of
 * benchmark 9);</li>
 * <li>{@code openTelemetry=DISABLED}: the driver's own tracing of every statement (on by
 * default when the OpenTelemetry API is on the class path, as it is here; wsbackup
 * configures no tracer, so its spans went nowhere, for about 2 % of the CPU).</li>
 * </ul>
 */
public class StoreDefaults implements EnvironmentPostProcessor {

	static final String PREFIX = "spring.datasource.hikari.data-source-properties.";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		String url = environment.getProperty("spring.datasource.url");
		if (url == null || !url.startsWith("jdbc:mysql:")) {
			return;
		}
		environment.getPropertySources()
			.addLast(new MapPropertySource("wsbackupStoreDefaults",
					Map.of(PREFIX + "cachePrepStmts", "true", PREFIX + "prepStmtCacheSize", "250",
							PREFIX + "prepStmtCacheSqlLimit", "2048", PREFIX + "openTelemetry", "DISABLED")));
	}

}
