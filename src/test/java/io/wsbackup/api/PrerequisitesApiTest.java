package io.wsbackup.api;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import io.wsbackup.WsbackupTestSupport;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code checkPrerequisites} over real HTTP, with the fake cloud scripted. */
class PrerequisitesApiTest extends WsbackupTestSupport {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Test
	void aWorkspaceWithEverythingInPlaceIsOkAndOneWithAMissingPrerequisiteSaysWhich() throws Exception {
		String crn = register();

		JsonNode ok = post(200, "{\"workspaceCrn\": \"" + crn + "\"}");
		assertThat(ok.path("workspaceCrn").asString()).isEqualTo(crn);
		assertThat(ok.path("missing").isEmpty()).isTrue();
		assertThat(ok.path("ok").asBoolean()).isTrue();

		cloud.missingPrerequisite("AWS Backup is not opted in for EFS in region us-west-1");
		JsonNode missing = post(200, "{\"workspaceCrn\": \"" + crn + "\"}");
		assertThat(missing.path("ok").asBoolean()).isFalse();
		assertThat(missing.path("missing").valueStream().map(JsonNode::asString).toList())
			.isEqualTo(List.of("AWS Backup is not opted in for EFS in region us-west-1"));
	}

	@Test
	void unknownWorkspacesAndBadRequestsAreRefusedWithTheApisCodes() throws Exception {
		assertThat(
				post(404,
						"{\"workspaceCrn\": \"crn:cdp:ml:us-west-1:123456789012:workspace:"
								+ "3f2c6a1e-0b7d-4c1a-9a57-0d4e2f8b9c10\"}")
					.path("code")
					.asString())
			.isEqualTo("NOT_FOUND");
		assertThat(post(400, "{}").path("code").asString()).isEqualTo("INVALID_ARGUMENT");
		assertThat(post(400, "{\"workspace\": \"x\"}").path("message").asString())
			.contains("unknown field 'workspace'");
	}

	private String register() throws Exception {
		HttpResponse<String> response = send("registerWorkspace",
				"{\"workspaceName\": \"prereq\", \"environmentName\": \"env\", \"volumes\": [\"vol-1\"]}");
		return JSON.readTree(response.body()).path("workspace").path("workspaceCrn").asString();
	}

	private JsonNode post(int status, String body) throws Exception {
		HttpResponse<String> response = send("checkPrerequisites", body);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		return JSON.readTree(response.body());
	}

	private HttpResponse<String> send(String operation, String body) throws Exception {
		return http
			.send(asAdmin(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/ml/" + operation)))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(body))
				.build(), HttpResponse.BodyHandlers.ofString());
	}

}
