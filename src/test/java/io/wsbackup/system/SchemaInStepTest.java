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
 * The MySQL migrations (production) and the H2 ones (embedded default) must describe the same store: the same
 * tables, the same columns, each with the same nullability and kind of type.
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
		try (Connection c = DriverManager.getConnection(TestDatabase.url(), TestDatabase.user(), TestDatabase.password())) {
			mysql = columns(c.getMetaData(), c.getCatalog(), null);
		}
		Map<String, String> embedded;
		try (Connection c = DriverManager.getConnection(h2, "sa", "")) {
			embedded = columns(c.getMetaData(), null, "PUBLIC");
		}

		assertThat(mysql).as("tables and columns of sql/mysql").isNotEmpty().containsKey("WS_BACKUP.STATUS");
		assertThat(embedded).as("sql/h2 against sql/mysql").containsExactlyInAnyOrderEntriesOf(mysql);
	}

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
						kind(rs.getInt("DATA_TYPE")) + (rs.getInt("NULLABLE") == DatabaseMetaData.columnNullable
								? " null" : " not null"));
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
