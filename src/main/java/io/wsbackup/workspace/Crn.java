package io.wsbackup.workspace;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A Cloudera resource name:
 * {@code crn:cdp:<service>:<region>:<account-id>:<resource type>:<resource id>}, for
 * example {@code crn:cdp:ml:us-west-2:123456789012:workspace:2b1c...}.
 *
 * @param service the service, {@code ml} for workspaces and backups, {@code iam} for
 * users
 * @param region the cloud region
 * @param accountId the account
 * @param resourceType {@code workspace}, {@code workspace_backup}, {@code user}, ...
 * @param resourceId the resource's id, a UUID for workspaces and backups
 */
public record Crn(String service, String region, String accountId, String resourceType, String resourceId) {

	public static final String WORKSPACE = "workspace";

	public static final String BACKUP = "workspace_backup";

	private static final Pattern PART = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

	private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.@-]{0,127}");

	public Crn {
		check(PART, service, "service");
		check(PART, region, "region");
		check(PART, accountId, "account id");
		check(PART, resourceType, "resource type");
		check(ID, resourceId, "resource id");
	}

	/** A new workspace CRN with a fresh UUID. */
	public static Crn newWorkspace(String region, String accountId) {
		return new Crn("ml", region, accountId, WORKSPACE, UUID.randomUUID().toString());
	}

	/** A new backup CRN with a fresh UUID, in the workspace's region and account. */
	public static Crn newBackup(Crn workspace) {
		return new Crn("ml", workspace.region(), workspace.accountId(), BACKUP, UUID.randomUUID().toString());
	}

	/**
	 * Parses a CRN of any type.
	 * @throws IllegalArgumentException saying what is wrong with it
	 */
	public static Crn parse(String text) {
		if (text == null || text.isBlank()) {
			throw new IllegalArgumentException("a CRN is required");
		}
		String[] parts = text.split(":", -1);
		if (parts.length != 7 || !"crn".equals(parts[0]) || !"cdp".equals(parts[1])) {
			throw new IllegalArgumentException("'" + text
					+ "' is not a CRN: expected crn:cdp:<service>:<region>:<account-id>:<resource type>:<id>");
		}
		try {
			return new Crn(parts[2], parts[3], parts[4], parts[5], parts[6]);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("'" + text + "' is not a CRN: " + ex.getMessage());
		}
	}

	/**
	 * Parses a CRN that must be of the given ML resource type with a UUID id.
	 * @throws IllegalArgumentException saying what is wrong with it
	 */
	public static Crn parse(String text, String expectedType) {
		Crn crn = parse(text);
		if (!"ml".equals(crn.service()) || !expectedType.equals(crn.resourceType())) {
			throw new IllegalArgumentException("'" + text + "' is not a " + expectedType
					+ " CRN: expected crn:cdp:ml:<region>:<account-id>:" + expectedType + ":<uuid>");
		}
		try {
			UUID uuid = UUID.fromString(crn.resourceId());
			if (!uuid.toString().equalsIgnoreCase(crn.resourceId())) {
				throw new IllegalArgumentException("not canonical");
			}
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("'" + text + "' is not a " + expectedType
					+ " CRN: its last part must be a UUID such as 3f2c6a1e-0b7d-4c1a-9a57-0d4e2f8b9c10");
		}
		return crn;
	}

	/**
	 * Parses a request field that must be a CRN of the given ML type.
	 * @throws io.wsbackup.system.WsbackupException {@code INVALID_ARGUMENT} naming the
	 * field: missing, or not such a CRN
	 */
	public static Crn parseField(String text, String type, String field) {
		if (text == null || text.isBlank()) {
			throw io.wsbackup.system.WsbackupException.invalid(field + " is required");
		}
		try {
			return parse(text, type);
		}
		catch (IllegalArgumentException ex) {
			throw io.wsbackup.system.WsbackupException.invalid(field + ": " + ex.getMessage());
		}
	}

	private static void check(Pattern pattern, String value, String what) {
		if (value == null || !pattern.matcher(value).matches()) {
			throw new IllegalArgumentException(
					"its " + what + " '" + value + "' is empty or has characters a CRN does not allow");
		}
	}

	@Override
	public String toString() {
		return "crn:cdp:" + service + ":" + region + ":" + accountId + ":" + resourceType + ":" + resourceId;
	}

}
