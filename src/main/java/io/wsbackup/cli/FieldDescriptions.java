package io.wsbackup.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * What each request field of the API means, read from {@value #RESOURCE}: the one source
 * of the CLI's option help and of the REST field reference ({@code docs/api-fields.md},
 * which a test keeps made from it). A key is a field's name, or
 * {@code <operation>.<field>} where the field means something more precise in that
 * operation.
 */
final class FieldDescriptions {

	static final String RESOURCE = "/api/field-descriptions.properties";

	private final Properties descriptions = new Properties();

	private FieldDescriptions() {
		try (InputStream in = FieldDescriptions.class.getResourceAsStream(RESOURCE)) {
			if (in == null) {
				throw new IllegalStateException("the field descriptions " + RESOURCE + " are not on the class path");
			}
			this.descriptions.load(new InputStreamReader(in, StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read the field descriptions " + RESOURCE, ex);
		}
	}

	/** Reads the descriptions from the class path. */
	static FieldDescriptions load() {
		return new FieldDescriptions();
	}

	/**
	 * The meaning of the field in the operation, or {@code null} when the source has
	 * none.
	 */
	String describe(String operation, String field) {
		String specific = this.descriptions.getProperty(operation + "." + field);
		return (specific != null) ? specific : this.descriptions.getProperty(field);
	}

	/**
	 * The REST field reference: per operation, each request field with its type, whether
	 * it is required and its meaning.
	 */
	String markdown(Iterable<Operation> operations) {
		StringBuilder page = new StringBuilder();
		page.append("# Request fields of the REST API\n\n")
			.append("Made from `src/main/resources/api/field-descriptions.properties`, which the CLI's `--help` reads ")
			.append("as well (`OperationsTest` fails when this page is not made from it). ")
			.append("`POST /api/v1/ml/<operation>` with these camelCase fields; the CLI takes each as the ")
			.append("kebab-case option (`workspaceCrn` is `--workspace-crn`). * = required.\n");
		for (Operation operation : operations) {
			page.append("\n## `")
				.append(operation.name())
				.append("`\n\n")
				.append(operation.description())
				.append("\n\n");
			if (operation.fields().isEmpty()) {
				page.append("No fields.\n");
				continue;
			}
			page.append("| field | type | meaning |\n|---|---|---|\n");
			for (Field field : operation.fields()) {
				String meaning = describe(operation.name(), field.name());
				page.append("| `")
					.append(field.name())
					.append("`")
					.append(field.required() ? "*" : "")
					.append(" | ")
					.append(field.type().name().toLowerCase().replace('_', ' '))
					.append(" | ")
					.append((meaning != null) ? meaning.replace("|", "\\|") : "")
					.append(" |\n");
			}
		}
		return page.toString();
	}

}
