package io.wsbackup.cli;

import java.io.PrintStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * How an answer is printed on stdout, chosen by {@code --output}: {@code json} (the
 * default, the answer as the runner gave it, for scripts), {@code table} (the lists as
 * aligned columns with a header, for an operator: names, statuses, times, sizes and a
 * shortened failure reason), {@code text} (the same rows tab-separated without header,
 * with the CRNs, for {@code cut} and {@code awk}). An answer that is not a list prints
 * one {@code name value} line per plain value in table and text; an error prints
 * {@code CODE: message}. A list with more to come ends with its {@code nextToken}.
 */
final class Output {

	/** The formats {@code --output} takes. */
	enum Format {

		JSON, TEXT, TABLE;

		static Format parse(String value) {
			for (Format format : values()) {
				if (format.name().equalsIgnoreCase(value)) {
					return format;
				}
			}
			throw new IllegalArgumentException("--output takes json, text or table, not '" + value + "'");
		}

	}

	/** At most this many characters of a failure reason in a table. */
	static final int REASON_WIDTH = 48;

	private static final Map<String, List<Column>> COLUMNS = new LinkedHashMap<>();

	static {
		COLUMNS.put("workspaces",
				List.of(Column.of("NAME", (w) -> text(w.path("workspaceName"))),
						Column.of("ENVIRONMENT", (w) -> text(w.path("environmentName"))),
						Column.of("STATUS", (w) -> text(w.path("workspaceStatus"))),
						Column.of("LAST BACKUP", (w) -> attempt(w.path("lastBackup"))),
						Column.of("LAST SUCCESS", (w) -> time(w.path("lastSuccessfulBackup").path("createdAt"))),
						Column.of("SIZE", (w) -> size(w.path("lastSuccessfulBackup").path("sizeBytes"))),
						Column.of("FAILURE", (w) -> reason(w.path("lastBackup").path("failureReason"))),
						Column.textOnly("CRN", (w) -> text(w.path("workspaceCrn")))));
		COLUMNS.put("backups",
				List.of(Column.of("NAME", (b) -> text(b.path("backupName"))),
						Column.of("STATUS", (b) -> text(b.path("backupStatus"))),
						Column.of("CREATED", (b) -> time(b.path("createdAt"))),
						Column.of("COMPLETED", (b) -> time(b.path("completedAt"))),
						Column.of("DURATION", (b) -> duration(b.path("durationSeconds"))),
						Column.of("SIZE", (b) -> size(b.path("sizeBytes"))),
						Column.of("FAILURE", (b) -> reason(b.path("failureReason"))),
						Column.textOnly("CRN", (b) -> text(b.path("backupCrn")))));
		COLUMNS.put("notifications", List.of(Column.of("TIME", (n) -> time(n.path("createdAt"))),
				Column.of("EVENT", (n) -> text(n.path("event"))), Column.of("TARGET", (n) -> text(n.path("target"))),
				Column.of("STATUS", (n) -> text(n.path("status"))),
				Column.of("ATTEMPTS", (n) -> n.path("attempts").isNumber() ? n.path("attempts").asString() : "-"),
				Column.of("LAST ERROR", (n) -> reason(n.path("lastError"))),
				Column.of("MESSAGE", (n) -> text(n.path("message")))));
		COLUMNS.put("events", List.of(Column.of("TIME", (e) -> time(e.path("occurredAt"))),
				Column.of("LEVEL", (e) -> text(e.path("level"))), Column.of("STEP", (e) -> text(e.path("step"))),
				Column.of("PROGRESS", Output::progress), Column.of("MESSAGE", (e) -> text(e.path("message")))));
	}

	private final Format format;

	private final JsonMapper json;

	private final PrintStream out;

	Output(Format format, JsonMapper json, PrintStream out) {
		this.format = format;
		this.json = json;
		this.out = out;
	}

	Format format() {
		return this.format;
	}

	/** Prints an answer, a successful one or an error. */
	void print(JsonNode body) {
		if (this.format == Format.JSON) {
			this.out.println(this.json.writeValueAsString(body));
			return;
		}
		if (isError(body)) {
			this.out.println(body.path("code").asString() + ": " + body.path("message").asString());
			return;
		}
		String list = listField(body);
		if (list == null) {
			List<String[]> rows = new ArrayList<>();
			flatten("", body, rows);
			printRows(List.<String[]>of(new String[] { "FIELD", "VALUE" }), rows);
			return;
		}
		printList(body.path(list), columns(list, body.path(list)));
		JsonNode nextToken = body.path("nextToken");
		if (nextToken.isString() && !nextToken.stringValue().isBlank()) {
			this.out.println(((this.format == Format.TABLE) ? "More: --starting-token " : "NEXTTOKEN\t")
					+ nextToken.stringValue());
		}
	}

	/**
	 * Prints items as they come ({@code --follow}): one JSON object a line, or one row a
	 * line, in columns of fixed width in a table.
	 */
	void printItems(String list, JsonNode items, boolean header) {
		if (this.format == Format.JSON) {
			items.forEach((item) -> this.out
				.println(this.json.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(item)));
			return;
		}
		List<Column> columns = columns(list, items);
		List<String[]> rows = rows(items, columns);
		if (this.format == Format.TEXT) {
			rows.forEach((row) -> this.out.println(String.join("\t", row)));
			return;
		}
		int[] widths = { 20, 7, 28, 30 };
		if (header) {
			this.out.println(fixed(headers(columns), widths));
		}
		rows.forEach((row) -> this.out.println(fixed(row, widths)));
	}

	private static String fixed(String[] row, int[] widths) {
		StringBuilder line = new StringBuilder();
		for (int i = 0; i < row.length; i++) {
			line.append(row[i]);
			if (i < row.length - 1) {
				int width = (i < widths.length) ? widths[i] : row[i].length();
				line.append(" ".repeat(Math.max(1, width - row[i].length() + 2)));
			}
		}
		return line.toString().stripTrailing();
	}

	private void printList(JsonNode items, List<Column> columns) {
		List<String[]> rows = rows(items, columns);
		if (this.format == Format.TEXT) {
			rows.forEach((row) -> this.out.println(String.join("\t", row)));
			return;
		}
		if (rows.isEmpty()) {
			this.out.println("(none)");
			return;
		}
		printRows(List.<String[]>of(headers(columns)), rows);
	}

	private List<String[]> rows(JsonNode items, List<Column> columns) {
		List<String[]> rows = new ArrayList<>();
		for (JsonNode item : items) {
			rows.add(columns.stream().map((column) -> column.value().apply(item)).toArray(String[]::new));
		}
		return rows;
	}

	private static String[] headers(List<Column> columns) {
		return columns.stream().map(Column::header).toArray(String[]::new);
	}

	/** Aligned columns in a table (the last column unpadded), tab-separated in text. */
	private void printRows(List<String[]> headers, List<String[]> rows) {
		if (this.format == Format.TEXT) {
			rows.forEach((row) -> this.out.println(String.join("\t", row)));
			return;
		}
		List<String[]> all = new ArrayList<>(headers);
		all.addAll(rows);
		int columns = all.get(0).length;
		int[] widths = new int[columns];
		for (String[] row : all) {
			for (int i = 0; i < columns; i++) {
				widths[i] = Math.max(widths[i], row[i].length());
			}
		}
		for (String[] row : all) {
			StringBuilder line = new StringBuilder();
			for (int i = 0; i < columns; i++) {
				line.append(row[i]);
				if (i < columns - 1) {
					line.append(" ".repeat(widths[i] - row[i].length() + 2));
				}
			}
			this.out.println(line.toString().stripTrailing());
		}
	}

	/**
	 * The columns of a known list; of another, every plain value of its first item. In a
	 * table, the text-only columns (CRNs) are left out.
	 */
	private List<Column> columns(String list, JsonNode items) {
		List<Column> known = COLUMNS.get(list);
		if (known == null) {
			List<Column> columns = new ArrayList<>();
			JsonNode first = items.path(0);
			for (Map.Entry<String, JsonNode> property : first.properties()) {
				if (property.getValue().isValueNode()) {
					String name = property.getKey();
					columns.add(Column.of(Names.kebab(name).toUpperCase(Locale.ROOT).replace('-', ' '),
							(item) -> plain(item.path(name))));
				}
			}
			return columns;
		}
		return (this.format == Format.TABLE) ? known.stream().filter((column) -> !column.textOnly()).toList() : known;
	}

	static boolean isError(JsonNode body) {
		return body.isObject() && body.path("code").isString() && body.path("message").isString();
	}

	/**
	 * The answer's list: a list the CLI knows (workspaces, backups, events), else the
	 * array of objects that is the whole answer (schedules, for instance); null for an
	 * answer with more to it, which prints field by field.
	 */
	private static String listField(JsonNode body) {
		String found = null;
		for (Map.Entry<String, JsonNode> property : body.properties()) {
			if (COLUMNS.containsKey(property.getKey()) && property.getValue().isArray()) {
				if (found != null) {
					return null;
				}
				found = property.getKey();
			}
		}
		if (found != null || body.size() != 1) {
			return found;
		}
		Map.Entry<String, JsonNode> only = body.properties().iterator().next();
		JsonNode value = only.getValue();
		return (value.isArray() && (value.isEmpty() || value.path(0).isObject())) ? only.getKey() : null;
	}

	private static void flatten(String prefix, JsonNode node, List<String[]> rows) {
		if (node.isObject()) {
			node.properties()
				.forEach((property) -> flatten(prefix.isEmpty() ? property.getKey() : prefix + "." + property.getKey(),
						property.getValue(), rows));
		}
		else if (node.isArray()) {
			if (node.isEmpty()) {
				rows.add(new String[] { prefix, "-" });
			}
			for (int i = 0; i < node.size(); i++) {
				flatten(prefix + "[" + i + "]", node.get(i), rows);
			}
		}
		else {
			rows.add(new String[] { prefix, plain(node) });
		}
	}

	private static String plain(JsonNode node) {
		return (node.isNull() || node.isMissingNode()) ? "-" : node.asString();
	}

	private static String text(JsonNode node) {
		return (node.isString() && !node.stringValue().isBlank()) ? node.stringValue().replace('\t', ' ') : "-";
	}

	/** An instant to the second, {@code 2026-11-21 10:40:55Z}. */
	static String time(JsonNode node) {
		if (!node.isString() || node.stringValue().isBlank()) {
			return "-";
		}
		try {
			return Instant.parse(node.stringValue()).truncatedTo(ChronoUnit.SECONDS).toString().replace('T', ' ');
		}
		catch (DateTimeParseException ex) {
			return node.stringValue();
		}
	}

	private static String attempt(JsonNode backup) {
		if (!backup.isObject()) {
			return "never";
		}
		return text(backup.path("backupStatus")) + " " + time(backup.path("createdAt"));
	}

	private static String size(JsonNode bytes) {
		return bytes.isNumber() ? FollowLoop.bytes(bytes.asLong()) : "-";
	}

	/** {@code 42s}, {@code 3m05s}, {@code 1h02m}. */
	static String duration(JsonNode seconds) {
		if (!seconds.isNumber()) {
			return "-";
		}
		long s = seconds.asLong();
		if (s < 60) {
			return s + "s";
		}
		if (s < 3600) {
			return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
		}
		return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
	}

	/** The first line of a failure reason, at most {@value #REASON_WIDTH} characters. */
	static String reason(JsonNode node) {
		if (!node.isString() || node.stringValue().isBlank()) {
			return "-";
		}
		String reason = node.stringValue().strip().lines().findFirst().orElse("").replace('\t', ' ');
		return (reason.length() <= REASON_WIDTH) ? reason : reason.substring(0, REASON_WIDTH - 3) + "...";
	}

	private static String progress(JsonNode event) {
		List<String> parts = new ArrayList<>();
		if (event.path("percentDone").isNumber()) {
			parts.add(event.path("percentDone").asInt() + "%");
		}
		if (event.path("bytesTransferred").isNumber()) {
			parts.add(FollowLoop.bytes(event.path("bytesTransferred").asLong()));
		}
		if (event.path("expectedCompletion").isString()) {
			parts.add("ETA " + time(event.path("expectedCompletion")));
		}
		return parts.isEmpty() ? "-" : String.join(" ", parts);
	}

	/**
	 * One column: its header and how an item shows in it; a text-only one is left out of
	 * tables.
	 */
	record Column(String header, Function<JsonNode, String> value, boolean textOnly) {

		static Column of(String header, Function<JsonNode, String> value) {
			return new Column(header, value, false);
		}

		static Column textOnly(String header, Function<JsonNode, String> value) {
			return new Column(header, value, true);
		}

	}

}
