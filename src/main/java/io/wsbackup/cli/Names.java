package io.wsbackup.cli;

/** Turns the API's camelCase names into the CLI's kebab-case ones. */
final class Names {

	private Names() {
	}

	/** {@code backupWorkspace} becomes {@code backup-workspace}. */
	static String kebab(String camelCase) {
		StringBuilder kebab = new StringBuilder(camelCase.length() + 8);
		for (char c : camelCase.toCharArray()) {
			if (Character.isUpperCase(c)) {
				kebab.append('-').append(Character.toLowerCase(c));
			}
			else {
				kebab.append(c);
			}
		}
		return kebab.toString();
	}

}
