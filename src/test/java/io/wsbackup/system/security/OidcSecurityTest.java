package io.wsbackup.system.security;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.wsbackup.WsbackupTestSupport;
import io.wsbackup.catalog.Backup;
import io.wsbackup.workspace.Crn;
import io.wsbackup.workspace.Workspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * JWTs of an OIDC issuer: a tiny issuer served here (its discovery document and its key
 * set), tokens signed with its key; the runner finds the keys from
 * {@code wsbackup.security.oidc.issuer-uri} as it would at a real issuer. The configured
 * bearer tokens keep working next to it.
 */
class OidcSecurityTest extends WsbackupTestSupport {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final RSAKey KEY = rsaKey("issuer-key");

	private static final RSAKey STRANGER = rsaKey("issuer-key");

	private static HttpServer issuer;

	private static String issuerUri;

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void oidc(DynamicPropertyRegistry registry) throws IOException {
		if (issuer == null) {
			issuer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			issuerUri = "http://127.0.0.1:" + issuer.getAddress().getPort() + "/realms/ml";
			serve("/realms/ml/.well-known/openid-configuration",
					Map.of("issuer", issuerUri, "jwks_uri", issuerUri + "/keys", "subject_types_supported",
							List.of("public"), "id_token_signing_alg_values_supported", List.of("RS256")));
			serve("/realms/ml/keys", new JWKSet(KEY.toPublicJWK()).toJSONObject());
			issuer.start();
		}
		registry.add("wsbackup.security.oidc.issuer-uri", () -> issuerUri);
		registry.add("wsbackup.security.oidc.roles-claim", () -> "wsbackup_roles");
	}

	@AfterAll
	static void stopIssuer() {
		if (issuer != null) {
			issuer.stop(0);
			issuer = null;
		}
	}

	private static void serve(String path, Map<String, ?> document) {
		byte[] body = JSON.writeValueAsString(document).getBytes(StandardCharsets.UTF_8);
		issuer.createContext(path, (exchange) -> {
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
	}

	@Test
	void anAdminJwtStartsABackupRecordedUnderItsSubject() throws Exception {
		Workspace ws = newWorkspace();
		HttpResponse<String> started = post(jwt(KEY, issuerUri, "alice|42", List.of("admin"), 300), "backupWorkspace",
				"{\"workspaceCrn\": \"" + ws.crn() + "\", \"backupName\": \"by-jwt\"}");

		assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
		Backup backup = backups.find(Crn.parse(JSON.readTree(started.body()).path("backupCrn").asString()))
			.orElseThrow();
		assertThat(backup.creatorCrn()).isEqualTo("crn:cdp:iam:local:000000000000:user:alice_42");
		awaitJobEnd(backup);
	}

	@Test
	void aViewerJwtReadsButMayNotWriteAndAJwtWithoutRolesMayDoNeither() throws Exception {
		String viewer = jwt(KEY, issuerUri, "bob", "viewer other-app-role", 300);
		assertThat(post(viewer, "listWorkspaces", "{}").statusCode()).isEqualTo(200);
		HttpResponse<String> refused = post(viewer, "deleteBackup", "{}");
		assertThat(refused.statusCode()).isEqualTo(403);
		assertThat(refused.body()).contains("FORBIDDEN", "bob (role viewer)");

		JsonNode whoami = JSON
			.readTree(http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/whoami"))
				.header("Authorization", "Bearer " + viewer)
				.build(), HttpResponse.BodyHandlers.ofString()).body());
		assertThat(whoami.path("name").asString()).isEqualTo("bob");
		assertThat(whoami.path("role").asString()).isEqualTo("viewer");

		String none = jwt(KEY, issuerUri, "carol", List.of("other-app-role"), 300);
		assertThat(post(none, "listWorkspaces", "{}").statusCode()).isEqualTo(403);
	}

	@Test
	void aJwtOfAnotherKeyOrIssuerOrExpiredIsUnauthenticated() throws Exception {
		for (String token : List.of(jwt(STRANGER, issuerUri, "mallory", List.of("admin"), 300),
				jwt(KEY, "http://127.0.0.1:1/elsewhere", "mallory", List.of("admin"), 300),
				jwt(KEY, issuerUri, "mallory", List.of("admin"), -600))) {
			HttpResponse<String> reply = post(token, "listWorkspaces", "{}");
			assertThat(reply.statusCode()).as(reply.body()).isEqualTo(401);
			assertThat(reply.body()).contains("UNAUTHENTICATED");
		}
	}

	@Test
	void theConfiguredTokensStillWorkNextToTheIssuer() throws Exception {
		assertThat(post(ADMIN_TOKEN, "listSchedules", "{}").statusCode()).isEqualTo(200);
		assertThat(post(VIEWER_TOKEN, "pauseSchedule", "{}").statusCode()).isEqualTo(403);
	}

	private HttpResponse<String> post(String token, String operation, String body) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/ml/" + operation))
			.header("Authorization", "Bearer " + token)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static String jwt(RSAKey key, String iss, String subject, Object roles, long validSeconds)
			throws JOSEException {
		Instant now = Instant.now();
		JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(iss)
			.subject(subject)
			.claim("wsbackup_roles", roles)
			.issueTime(Date.from(now.minusSeconds(Math.max(0, -validSeconds) + 60)))
			.expirationTime(Date.from(now.plusSeconds(validSeconds)))
			.build();
		SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
		jwt.sign(new RSASSASigner(key));
		return jwt.serialize();
	}

	private static RSAKey rsaKey(String id) {
		try {
			return new RSAKeyGenerator(2048).keyID(id).generate();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
