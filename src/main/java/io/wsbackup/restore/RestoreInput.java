package io.wsbackup.restore;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.wsbackup.system.WsbackupException;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A {@code restoreWorkspace} request, checked against the reference product's input
 * (DESIGN §2) as written in {@code /api/restore-workspace-input.json}, the skeleton the
 * CLI prints: every field of it is accepted (the provisioning ones are kept with the new
 * workspace even where this runner has no use for them yet), any other name is refused
 * with {@code INVALID_ARGUMENT}, a password is never kept.
 *
 * @param backupCrn the backup to restore
 * @param environmentName the new workspace's environment
 * @param workspaceName the new workspace's name
 * @param useStaticSubdomain as given (kept, unused by this runner)
 * @param timeoutMinutes the restore's timeout, or {@code null} for the default (0 in a
 * skeleton means the default)
 * @param provisioningParameters {@code newWorkspaceParameters} as JSON, without the
 * database password
 * @param warnings what the caller should know about the request itself (a password
 * dropped)
 */
public record RestoreInput(String backupCrn, String environmentName, String workspaceName, boolean useStaticSubdomain,
		Integer timeoutMinutes, String provisioningParameters, List<String> warnings) {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final JsonNode SKELETON = load();

	/** The skeleton: every field of the input with an empty value. */
	public static JsonNode skeleton() {
		return SKELETON.deepCopy();
	}

	/**
	 * Checks and reads a request.
	 * @throws WsbackupException {@code INVALID_ARGUMENT} naming the field that is
	 * unknown, of the wrong kind or missing
	 */
	public static RestoreInput parse(JsonNode request) {
		if (request == null || !request.isObject()) {
			throw WsbackupException.invalid("the restoreWorkspace request must be a JSON object");
		}
		check(request, SKELETON, "");
		String backupCrn = text(request.get("backupCrn"));
		JsonNode parameters = request.get("newWorkspaceParameters");
		String environmentName = parameters == null ? null : text(parameters.get("environmentName"));
		String workspaceName = parameters == null ? null : text(parameters.get("workspaceName"));
		require(backupCrn, "backupCrn");
		require(environmentName, "newWorkspaceParameters.environmentName");
		require(workspaceName, "newWorkspaceParameters.workspaceName");
		JsonNode timeout = request.get("restoreJobTimeoutMinutes");
		Integer timeoutMinutes = timeout == null || timeout.isNull() || timeout.intValue() == 0 ? null
				: timeout.intValue();
		JsonNode staticSubdomain = request.get("useStaticSubdomain");
		List<String> warnings = new ArrayList<>();
		ObjectNode kept = ((ObjectNode) parameters).deepCopy();
		JsonNode database = kept.get("existingDatabaseConfig");
		if (database instanceof ObjectNode db && db.has("existingDatabasePassword")) {
			if (!text(db.get("existingDatabasePassword")).isEmpty()) {
				warnings.add("the existing database password was not stored: give it again when the workspace is"
						+ " provisioned against that database");
			}
			db.remove("existingDatabasePassword");
		}
		return new RestoreInput(backupCrn, environmentName, workspaceName,
				staticSubdomain != null && staticSubdomain.asBoolean(), timeoutMinutes, JSON.writeValueAsString(kept),
				warnings);
	}

	/** Every field of {@code node} must be in {@code template}, of the same kind. */
	private static void check(JsonNode node, JsonNode template, String path) {
		if (node == null || node.isNull()) {
			return;
		}
		if (template.isObject()) {
			if (!node.isObject()) {
				throw WsbackupException
					.invalid("field '" + name(path) + "' of the restoreWorkspace request must be a" + " JSON object");
			}
			for (Map.Entry<String, JsonNode> field : node.properties()) {
				JsonNode expected = template.get(field.getKey());
				String fieldPath = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
				if (expected == null) {
					throw WsbackupException.invalid("unknown field '" + fieldPath + "' in the restoreWorkspace request;"
							+ " the fields " + (path.isEmpty() ? "" : "of '" + path + "' ") + "are: "
							+ String.join(", ", template.propertyNames()));
				}
				check(field.getValue(), expected, fieldPath);
			}
		}
		else if (template.isArray()) {
			if (!node.isArray()) {
				throw WsbackupException.invalid("field '" + path + "' of the restoreWorkspace request must be a list");
			}
			JsonNode element = template.isEmpty() ? null : template.get(0);
			for (int i = 0; i < node.size(); i++) {
				if (element == null) {
					if (!node.get(i).isString()) {
						throw WsbackupException.invalid("field '" + path + "[" + i + "]' of the restoreWorkspace"
								+ " request must be a string");
					}
				}
				else {
					check(node.get(i), element, path + "[" + i + "]");
				}
			}
		}
		else if (node.isContainer() || (template.isBoolean() && !node.isBoolean())
				|| (template.isNumber() && !(node.isIntegralNumber() && node.canConvertToInt()))
				|| (template.isString() && !node.isString())) {
			throw WsbackupException
				.invalid(
						"field '" + path + "' of the restoreWorkspace request must be "
								+ (template.isBoolean() ? "true or false"
										: template.isNumber()
												? "a whole number from " + Integer.MIN_VALUE + " to "
														+ Integer.MAX_VALUE + " (not a string or a fraction)"
												: "a string"));
		}
	}

	private static String name(String path) {
		return path.isEmpty() ? "(request)" : path;
	}

	private static String text(JsonNode node) {
		return node == null || node.isNull() ? "" : node.asString();
	}

	private static void require(String value, String field) {
		if (value == null || value.isBlank()) {
			throw WsbackupException.invalid(field + " is required");
		}
	}

	private static JsonNode load() {
		try (InputStream in = RestoreInput.class.getResourceAsStream("/api/restore-workspace-input.json")) {
			return JSON.readTree(in);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("the restore input skeleton is missing from the jar", ex);
		}
	}

}
