package io.wsbackup.workspace;

import java.util.List;
import java.util.regex.Pattern;

import io.wsbackup.system.Json;
import io.wsbackup.system.WsbackupException;

/**
 * The syntax and the limits of the fields a workspace is registered (or restored) with,
 * checked before anything is written. Each limit is at most what its column holds
 * ({@code sql/*}/V3, V4), so that no request ever reaches the store with a value it
 * cannot keep; docs/rest-api.md lists them. A refusal is {@code INVALID_ARGUMENT} naming
 * the field and what it may be.
 */
public final class WorkspaceFields {

	/** An environment's name: 1 to 100 letters, digits, '.', '_' or '-'. */
	public static final int ENVIRONMENT_NAME_MAX = 100;

	/**
	 * A resource id (a directory path, an EBS or EFS id): the recovery point's column.
	 */
	public static final int RESOURCE_ID_MAX = 500;

	/** All volumes together, as the JSON list the catalog keeps. */
	public static final int VOLUMES_JSON_MAX = 4000;

	public static final int VERSION_MAX = 64;

	public static final int REGION_MAX = 64;

	public static final int NAMESPACES_MAX = 100;

	public static final int NAMESPACE_SELECTOR_MAX = 1000;

	public static final int KUBE_CONTEXT_MAX = 200;

	private static final Pattern ENVIRONMENT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

	private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");

	private static final Pattern REGION = Pattern.compile("[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?");

	private static final Pattern VERSION = Pattern.compile("[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}");

	/** A Kubernetes namespace: an RFC 1123 label. */
	private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

	/**
	 * A label selector's characters: label keys and values, operators, set-based
	 * requirements ({@code in (a, b)}), separated by commas.
	 */
	private static final Pattern SELECTOR = Pattern.compile("[A-Za-z0-9._/=!,() -]+");

	private static final Pattern PRINTABLE = Pattern.compile("[^\\p{Cntrl}]+");

	private WorkspaceFields() {
	}

	public static void environmentName(String value, String field) {
		if (value == null || value.isBlank()) {
			throw WsbackupException.invalid(field + " is required");
		}
		if (value.length() > ENVIRONMENT_NAME_MAX || !ENVIRONMENT_NAME.matcher(value).matches()) {
			throw WsbackupException.invalid(field + " '" + shown(value) + "' is not valid: use 1 to "
					+ ENVIRONMENT_NAME_MAX + " letters, digits, '.', '_' or '-', starting with a letter or digit");
		}
	}

	/** An optional account id: 12 digits. */
	public static void accountId(String value) {
		if (value != null && !ACCOUNT_ID.matcher(value).matches()) {
			throw WsbackupException
				.invalid("accountId '" + shown(value) + "' is not valid: an account id is 12 digits");
		}
	}

	/** An optional region: lower-case letters, digits and '-', at most 64. */
	public static void region(String value) {
		if (value != null && !REGION.matcher(value).matches()) {
			throw WsbackupException.invalid("region '" + shown(value) + "' is not valid: use 1 to " + REGION_MAX
					+ " lower-case letters, digits and '-', such as us-west-2");
		}
	}

	/** An optional workspace version such as {@code 2.0.47}. */
	public static void version(String value) {
		if (value != null && !VERSION.matcher(value).matches()) {
			throw WsbackupException.invalid("version '" + shown(value) + "' is not valid: use 1 to " + VERSION_MAX
					+ " letters, digits, '.', '+', '_' or '-', such as 2.0.47");
		}
	}

	/** The storage's ids: none blank, each at most 500 characters, printable. */
	public static void storage(List<String> volumes, String sharedFileSystem) {
		if (volumes != null) {
			for (int i = 0; i < volumes.size(); i++) {
				resourceId(volumes.get(i), "volumes[" + i + "]");
			}
			if (Json.writeStrings(volumes).length() > VOLUMES_JSON_MAX) {
				throw WsbackupException.invalid("volumes are too long together: at most " + VOLUMES_JSON_MAX
						+ " characters as a JSON list (" + volumes.size() + " volumes given)");
			}
		}
		if (sharedFileSystem != null) {
			resourceId(sharedFileSystem, "sharedFileSystem");
		}
	}

	/** Where the workloads run: namespaces, a selector, a kubeconfig context. */
	public static void workloads(List<String> namespaces, String namespaceSelector, String kubeContext) {
		if (namespaces != null) {
			if (namespaces.size() > NAMESPACES_MAX) {
				throw WsbackupException.invalid("namespaces: at most " + NAMESPACES_MAX + " namespaces, not "
						+ namespaces.size() + " (use namespaceSelector)");
			}
			for (int i = 0; i < namespaces.size(); i++) {
				String namespace = namespaces.get(i);
				if (namespace == null || !NAMESPACE.matcher(namespace).matches()) {
					throw WsbackupException.invalid("namespaces[" + i + "] '" + shown(namespace)
							+ "' is not a Kubernetes namespace name: 1 to 63 lower-case letters, digits and '-', "
							+ "starting and ending with a letter or digit");
				}
			}
		}
		if (namespaceSelector != null && (namespaceSelector.length() > NAMESPACE_SELECTOR_MAX
				|| !SELECTOR.matcher(namespaceSelector).matches())) {
			throw WsbackupException
				.invalid("namespaceSelector is not a Kubernetes label selector of at most " + NAMESPACE_SELECTOR_MAX
						+ " characters, such as ml.workspace=analytics or " + "tier in (ml, data)");
		}
		if (kubeContext != null
				&& (kubeContext.length() > KUBE_CONTEXT_MAX || !PRINTABLE.matcher(kubeContext).matches())) {
			throw WsbackupException.invalid("kubeContext is not valid: at most " + KUBE_CONTEXT_MAX
					+ " printable characters, the name of a context of the runner's kubeconfig");
		}
	}

	private static void resourceId(String value, String field) {
		if (value == null || value.isBlank()) {
			throw WsbackupException.invalid(field + " is empty: give a volume id, file system id or directory");
		}
		if (value.length() > RESOURCE_ID_MAX) {
			throw WsbackupException.invalid(field + " is longer than its limit of " + RESOURCE_ID_MAX + " characters");
		}
		if (!PRINTABLE.matcher(value).matches()) {
			throw WsbackupException.invalid(field + " holds a control character (such as NUL or a line break)");
		}
	}

	/**
	 * A value as a message shows it: at most 80 characters, without control characters.
	 */
	static String shown(String value) {
		if (value == null) {
			return "null";
		}
		String printable = value.replaceAll("\\p{Cntrl}", "?");
		return printable.length() <= 80 ? printable : printable.substring(0, 77) + "...";
	}

}
