package io.wsbackup.system.security;

import io.wsbackup.WsbackupApplication;
import io.wsbackup.system.TestDatabase;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.core.NestedExceptionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A runner with the {@code mysql} profile (production) and neither tokens nor an issuer
 * does not start: there is never a default password.
 */
class ProductionWithoutCredentialsTest {

	@Test
	void theMysqlProfileWithoutTokensOrIssuerRefusesToStartAndSaysWhatToConfigure() {
		Throwable failure = catchThrowable(() -> new SpringApplicationBuilder(WsbackupApplication.class)
			.profiles("mysql")
			.run("--spring.datasource.url=" + TestDatabase.url(), "--spring.datasource.username=" + TestDatabase.user(),
					"--spring.datasource.password=" + TestDatabase.password(), "--server.port=0",
					"--spring.quartz.auto-startup=false", "--wsbackup.schedules-dir=target/no-schedules",
					"--wsbackup.data-dir=target/test-data-production")
			.close());

		assertThat(failure).isNotNull();
		assertThat(NestedExceptionUtils.getMostSpecificCause(failure).getMessage())
			.contains("refuses to start with the mysql profile and no credentials")
			.contains("wsbackup.security.tokens[0].name")
			.contains("wsbackup.security.oidc.issuer-uri");
	}

}
