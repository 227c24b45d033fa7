package io.wsbackup.cli;

/** The options of one command as parsed, by picocli or by {@link FastArgs}. */
interface Args {

	/** Whether the option (e.g. {@code --wait}) was given. */
	boolean hasMatchedOption(String option);

	/**
	 * The option's value, converted to its type (a list for a repeated option), or the
	 * fallback when it was not given.
	 */
	<T> T matchedOptionValue(String option, T fallback);

}
