package io.wsbackup.cloud.aws;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The IAM policies under {@code docs/aws}: every one parses, and no statement puts a
 * condition key on an action that key does not apply to. IAM does not refuse such a
 * policy; the condition is simply never satisfied, and the statement denies what it meant
 * to allow ({@code kms:GrantIsForAWSResource} on {@code kms:Decrypt} once denied
 * customer-managed keys). The table lists the service condition keys the documents use
 * and the actions AWS's service authorization reference lets them apply to; a key missing
 * from the table fails the test, so a new one is checked before it is used.
 */
class AwsPolicyDocumentsTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** Condition key → the actions it applies to ({@code kms:*}: every KMS action). */
	static final Map<String, Set<String>> APPLIES_TO = Map.of("kms:GrantIsForAWSResource",
			Set.of("kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"), "kms:ViaService", Set.of("kms:*"),
			"iam:PassedToService", Set.of("iam:PassRole"), "iam:AWSServiceName", Set.of("iam:CreateServiceLinkedRole"));

	@Test
	void everyPolicyUnderDocsAwsUsesConditionKeysOnlyOnActionsTheyApplyTo() throws IOException {
		List<Path> policies;
		try (Stream<Path> files = Files.walk(Path.of("docs", "aws"))) {
			policies = files.filter((f) -> f.toString().endsWith(".json")).sorted().toList();
		}
		assertThat(policies).extracting((p) -> p.getFileName().toString())
			.contains("runner-policy.json", "backup-role-policy.json", "backup-role-trust-policy.json");

		for (Path policy : policies) {
			assertThat(misplacedConditions(Files.readString(policy))).as(policy.toString()).isEmpty();
		}
	}

	@Test
	void theGrantConditionOnKeyUseIsRejected() {
		String wrong = """
				{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
				  "Action": ["kms:CreateGrant", "kms:GenerateDataKey", "kms:Decrypt"], "Resource": "*",
				  "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}}}]}""";

		assertThat(misplacedConditions(wrong)).containsExactly(
				"statement 0: kms:GrantIsForAWSResource does not apply to kms:GenerateDataKey",
				"statement 0: kms:GrantIsForAWSResource does not apply to kms:Decrypt");
	}

	@Test
	void anUnknownConditionKeyOrAWildcardActionUnderAConditionIsRejected() {
		String unknown = """
				{"Statement": {"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",
				  "Condition": {"StringEquals": {"ec2:CreateAction": "CreateVolume"}}}}""";
		String wildcard = """
				{"Statement": [{"Effect": "Allow", "Action": "iam:*", "Resource": "*",
				  "Condition": {"StringEquals": {"iam:PassedToService": "backup.amazonaws.com"}}}]}""";

		assertThat(misplacedConditions(unknown))
			.containsExactly("statement 0: ec2:CreateAction is not in the table of checked condition keys");
		assertThat(misplacedConditions(wildcard))
			.containsExactly("statement 0: iam:PassedToService does not apply to iam:*");
	}

	@Test
	void theServiceLinkedRoleForDeletesIsGrantedForAwsBackupOnly() throws IOException {
		JsonNode runner = JSON.readTree(Files.readString(Path.of("docs", "aws", "runner-policy.json")));

		assertThat(statements(runner)).anySatisfy((s) -> {
			assertThat(strings(s.path("Action"))).containsExactly("iam:CreateServiceLinkedRole");
			assertThat(s.path("Condition").path("StringEquals").path("iam:AWSServiceName").asString())
				.isEqualTo("backup.amazonaws.com");
		});
	}

	/** One sentence per condition key used on an action it does not apply to. */
	static List<String> misplacedConditions(String policyJson) {
		JsonNode policy = JSON.readTree(policyJson);
		List<String> problems = new ArrayList<>();
		List<JsonNode> statements = statements(policy);
		for (int i = 0; i < statements.size(); i++) {
			JsonNode statement = statements.get(i);
			List<String> actions = strings(statement.path("Action"));
			for (JsonNode operator : statement.path("Condition")) {
				for (String key : operator.propertyNames()) {
					if (key.toLowerCase().startsWith("aws:")) {
						continue; // global keys apply to every action
					}
					Set<String> allowed = APPLIES_TO.get(key);
					if (allowed == null) {
						problems.add("statement " + i + ": " + key + " is not in the table of checked condition keys");
						continue;
					}
					for (String action : actions) {
						boolean applies = allowed.contains(action) || (!action.contains("*")
								&& allowed.contains(action.substring(0, action.indexOf(':') + 1) + "*"));
						if (!applies) {
							problems.add("statement " + i + ": " + key + " does not apply to " + action);
						}
					}
				}
			}
		}
		return problems;
	}

	private static List<JsonNode> statements(JsonNode policy) {
		JsonNode statement = policy.path("Statement");
		List<JsonNode> out = new ArrayList<>();
		if (statement.isArray()) {
			statement.forEach(out::add);
		}
		else if (statement.isObject()) {
			out.add(statement);
		}
		return out;
	}

	private static List<String> strings(JsonNode node) {
		List<String> out = new ArrayList<>();
		if (node.isArray()) {
			node.forEach((n) -> out.add(n.asString()));
		}
		else if (!node.isMissingNode()) {
			out.add(node.asString());
		}
		return out;
	}

}
