package io.wsbackup.system;

import java.nio.file.Path;
import java.util.Map;

import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * When no {@code spring.datasource.url} is configured, the store is the embedded default:
 * an H2 file database under the data dir ({@code <data-dir>/db/wsbackup.mv.db}), so that
 * state survives a restart. Every commit is written to the file before it returns
 * ({@code WRITE_DELAY=0}; H2's default writes up to half a second later), so that what
 * the API acknowledged survives a kill of the process. H2 needs an absolute path, which
 * is why this is computed here rather than written in {@code application.properties}. The
 * embedded default also registers the demo workspace, exposes the actuator job endpoint
 * ({@code wsbackup.actuator.jobs.enabled}) and, unless an admin token or an issuer is
 * configured, accepts the admin token it generates at its first start into
 * {@code <data-dir>/admin-token} ({@code wsbackup.security.admin-token-file}).
 */
public class EmbeddedDefaults implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

	@Override
	public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
		ConfigurableEnvironment env = event.getEnvironment();
		if (env.containsProperty("spring.datasource.url")) {
			return;
		}
		Path dataDir = Path.of(env.getProperty("wsbackup.data-dir", "data")).toAbsolutePath().normalize();
		String url = "jdbc:h2:file:" + dataDir.resolve("db").resolve("wsbackup")
				+ ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0";
		env.getPropertySources()
			.addLast(new MapPropertySource("wsbackupEmbeddedDefaults",
					Map.of("spring.datasource.url", url, "spring.datasource.username", "sa",
							"spring.datasource.password", "", "wsbackup.demo.enabled", "true",
							"wsbackup.actuator.jobs.enabled", "true", "wsbackup.security.admin-token-file",
							dataDir.resolve("admin-token").toString())));
	}

}
