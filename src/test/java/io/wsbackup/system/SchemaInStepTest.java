package io.wsbackup.system;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Types;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The MySQL migrations (production) and the H2 ones (embedded default) must describe the
 * same store: the same tables, the same columns, each with the same nullability and kind
 * of type.
 */
class SchemaInStepTest {

	@Test
	void mysqlAndEmbeddedMigrationsDefineTheSameTablesAndColumns() throws Exception {
		Flyway.configure()
			.dataSource(TestDatabase.url(), TestDatabase.user(), TestDatabase.password())
			.locations("classpath:db/migration/mysql")
			.load()
			.migrate();
		String h2 = "jdbc:h2:mem:schema-in-step;DB_CLOSE_DELAY=-1";
		Flyway.configure().dataSource(h2, "sa", "").locations("classpath:db/migration/h2").load().migrate();

		Map<String, String> mysql;
		try (Connection c = DriverManager.getConnection(TestDatabase.url(), TestDatabase.user(),
				TestDatabase.password())) {
			mysql = columns(c.getMetaData(), c.getCatalog(), null);
		}
		Map<String, String> embedded;
		try (Connection c = DriverManager.getConnection(h2, "sa", "")) {
			embedded = columns(c.getMetaData(), null, "PUBLIC");
		}

		assertThat(mysql).as("tables and columns of sql/mysql").isNotEmpty().containsKey("WS_BACKUP.STATUS");
		java.util.Set<String> keys = new java.util.TreeSet<>(mysql.keySet());
		keys.addAll(embedded.keySet());
		java.util.List<String> differences = keys.stream()
			.filter((k) -> !java.util.Objects.equals(mysql.get(k), embedded.get(k)))
			.map((k) -> k + ": mysql=" + mysql.get(k) + ", h2=" + embedded.get(k))
			.toList();
		assertThat(differences).as("columns where sql/h2 and sql/mysql differ beyond the upstream vendor differences")
			.containsExactlyInAnyOrderElementsOf(UPSTREAM_DIFFERENCES);
		try (Connection c = DriverManager.getConnection(h2, "sa", "");
				ResultSet rs = c.createStatement()
					.executeQuery(
							"SELECT COUNT(*) FROM INFORMATION_SCHEMA.SEQUENCES WHERE SEQUENCE_NAME LIKE 'BATCH_%_SEQ'")) {
			rs.next();
			assertThat(rs.getInt(1)).as("H2 keeps Batch's three sequences as real sequences").isEqualTo(3);
		}
	}

	/**
	 * Differences the upstream scripts make on purpose, and nothing else: Spring Batch
	 * emulates its three sequences with tables on MySQL (H2 has real sequences); Quartz's
	 * MySQL script stores its flags as VARCHAR(1) where the H2 one uses BOOLEAN (its
	 * StdJDBCDelegate reads both).
	 */
	private static final java.util.List<String> UPSTREAM_DIFFERENCES = java.util.stream.Stream
		.of("BATCH_JOB_EXECUTION_SEQ.ID: mysql=integer not null, h2=null",
				"BATCH_JOB_EXECUTION_SEQ.UNIQUE_KEY: mysql=text not null, h2=null",
				"BATCH_JOB_INSTANCE_SEQ.ID: mysql=integer not null, h2=null",
				"BATCH_JOB_INSTANCE_SEQ.UNIQUE_KEY: mysql=text not null, h2=null",
				"BATCH_STEP_EXECUTION_SEQ.ID: mysql=integer not null, h2=null",
				"BATCH_STEP_EXECUTION_SEQ.UNIQUE_KEY: mysql=text not null, h2=null",
				"QRTZ_FIRED_TRIGGERS.IS_NONCONCURRENT: mysql=text null, h2=boolean null",
				"QRTZ_FIRED_TRIGGERS.REQUESTS_RECOVERY: mysql=text null, h2=boolean null",
				"QRTZ_JOB_DETAILS.IS_DURABLE: mysql=text not null, h2=boolean not null",
				"QRTZ_JOB_DETAILS.IS_NONCONCURRENT: mysql=text not null, h2=boolean not null",
				"QRTZ_JOB_DETAILS.IS_UPDATE_DATA: mysql=text not null, h2=boolean not null",
				"QRTZ_JOB_DETAILS.REQUESTS_RECOVERY: mysql=text not null, h2=boolean not null",
				"QRTZ_SIMPROP_TRIGGERS.BOOL_PROP_1: mysql=text null, h2=boolean null",
				"QRTZ_SIMPROP_TRIGGERS.BOOL_PROP_2: mysql=text null, h2=boolean null")
		.toList();

	/** table.column → "kind nullable", for every table but Flyway's own. */
	private static Map<String, String> columns(DatabaseMetaData meta, String catalog, String schema) throws Exception {
		Map<String, String> columns = new TreeMap<>();
		try (ResultSet rs = meta.getColumns(catalog, schema, "%", "%")) {
			while (rs.next()) {
				String table = rs.getString("TABLE_NAME").toUpperCase(Locale.ROOT);
				if (table.startsWith("FLYWAY")) {
					continue;
				}
				columns.put(table + "." + rs.getString("COLUMN_NAME").toUpperCase(Locale.ROOT),
						kind(rs.getInt("DATA_TYPE"))
								+ (rs.getInt("NULLABLE") == DatabaseMetaData.columnNullable ? " null" : " not null"));
			}
		}
		return columns;
	}

	private static String kind(int sqlType) {
		return switch (sqlType) {
			case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.CLOB, Types.NCHAR, Types.NVARCHAR,
					Types.LONGNVARCHAR, Types.NCLOB ->
				"text";
			case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> "integer";
			case Types.DECIMAL, Types.NUMERIC -> "decimal";
			case Types.BIT, Types.BOOLEAN -> "boolean";
			case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE, Types.DATE, Types.TIME -> "time";
			case Types.BLOB, Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY -> "binary";
			default -> "type " + sqlType;
		};
	}

}
