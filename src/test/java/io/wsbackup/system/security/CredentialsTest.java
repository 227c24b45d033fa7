package io.wsbackup.system.security;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.wsbackup.system.WsbackupProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Which credentials a runner accepts, from its settings: the configured tokens, the
 * embedded default's generated admin token unless an admin token or an issuer is
 * configured, and a refusal to start in production without any.
 */
class CredentialsTest {

	@TempDir
	Path dir;

	@Test
	void theEmbeddedDefaultsTokenFileIsGeneratedAndAcceptedWhenNoAdminTokenIsConfigured() throws Exception {
		Path file = dir.resolve("admin-token");
		var credentials = credentials(Map.of("wsbackup.security.admin-token-file", file.toString(),
				"wsbackup.security.tokens[0].name", "audit", "wsbackup.security.tokens[0].role", "viewer",
				"wsbackup.security.tokens[0].sha256", HashedTokens.sha256Hex("viewer-token")));

		String token = Files.readString(file).strip();
		HashedTokens tokens = (HashedTokens) credentials.providers().get(0);
		assertThat(tokens.authenticate(token)).hasValueSatisfying((a) -> assertThat(a.getName()).isEqualTo("admin"));
		assertThat(tokens.authenticate("viewer-token"))
			.hasValueSatisfying((a) -> assertThat(a.getName()).isEqualTo("audit"));
		assertThat(credentials.howToAuthenticate()).contains("admin-token");
	}

	@Test
	void noTokenFileIsMadeWhenAnAdminTokenOrAnIssuerIsConfigured() {
		Path file = dir.resolve("admin-token");
		credentials(Map.of("wsbackup.security.admin-token-file", file.toString(), "wsbackup.security.tokens[0].name",
				"ops", "wsbackup.security.tokens[0].role", "admin", "wsbackup.security.tokens[0].sha256",
				HashedTokens.sha256Hex("admin-token")));
		credentials(Map.of("wsbackup.security.admin-token-file", file.toString(), "wsbackup.security.oidc.issuer-uri",
				"http://127.0.0.1:1/issuer"));
		assertThat(file).doesNotExist();
	}

	@Test
	void aJwtIsRefusedAsUnauthenticatedWhenTheIssuerCannotBeReached() {
		var credentials = credentials(Map.of("wsbackup.security.oidc.issuer-uri", "http://127.0.0.1:1/issuer"));

		assertThatThrownBy(() -> credentials.providers()
			.get(0)
			.authenticate(new BearerTokenAuthenticationToken("eyJhbGciOiJSUzI1NiJ9.e30.c2ln")))
			.isInstanceOf(AuthenticationException.class)
			.hasMessageContaining("http://127.0.0.1:1/issuer");
	}

	@Test
	void withoutCredentialsOutsideProductionNothingIsAcceptedAndTheRefusalSaysWhy() {
		var credentials = credentials(Map.of());
		assertThat(credentials.howToAuthenticate()).contains("no credentials configured");
		assertThatThrownBy(
				() -> credentials.providers().get(0).authenticate(new BearerTokenAuthenticationToken("anything")))
			.hasMessageContaining("accepts no credentials");
	}

	@Test
	void withoutCredentialsInProductionTheRunnerRefusesToStart() {
		assertThatThrownBy(() -> credentials(Map.of(), "mysql")).hasMessageContaining("refuses to start");
	}

	@Test
	void aBadTokenEntryStopsTheStartNamingIt() {
		assertThatThrownBy(
				() -> credentials(Map.of("wsbackup.security.tokens[0].name", "ops", "wsbackup.security.tokens[0].role",
						"root", "wsbackup.security.tokens[0].sha256", HashedTokens.sha256Hex("x"))))
			.hasMessageContaining("wsbackup.security.tokens[0].role");
	}

	private static SecurityConfiguration.Credentials credentials(Map<String, String> settings, String... profiles) {
		Map<String, String> all = new HashMap<>(settings);
		WsbackupProperties properties = new Binder(new MapConfigurationPropertySource(all)).bindOrCreate("wsbackup",
				WsbackupProperties.class);
		MockEnvironment environment = new MockEnvironment();
		environment.setActiveProfiles(profiles);
		return new SecurityConfiguration().wsbackupCredentials(properties, environment,
				new DefaultListableBeanFactory().getBeanProvider(JwtDecoder.class));
	}

}
