package io.wsbackup.workspace.kubernetes;

/**
 * How a restored workspace's namespaces are named: the original namespace with the
 * original workspace's name replaced by the new one when it is the name or starts with it
 * followed by {@code -} ({@code analytics} → {@code analytics2}, {@code analytics-models}
 * → {@code analytics2-models}); otherwise the new name, a {@code -} and the original
 * namespace ({@code ml-core} → {@code analytics2-ml-core}). Cut to 63 characters, the
 * longest a namespace name may be.
 */
final class NamespaceNames {

	private NamespaceNames() {
	}

	static String restored(String originalNamespace, String originalWorkspace, String restoredWorkspace) {
		String name;
		if (originalNamespace.equals(originalWorkspace)) {
			name = restoredWorkspace;
		}
		else if (originalNamespace.startsWith(originalWorkspace + "-")) {
			name = restoredWorkspace + originalNamespace.substring(originalWorkspace.length());
		}
		else {
			name = restoredWorkspace + "-" + originalNamespace;
		}
		if (name.length() > 63) {
			name = name.substring(0, 63);
		}
		while (name.endsWith("-")) {
			name = name.substring(0, name.length() - 1);
		}
		return name;
	}

}
