package io.wsbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class OperationsTest {

	static Stream<Operation> operations() {
		return Operations.ALL.stream();
	}

	@Test
	void commandsAreTheKebabCaseOfTheApisOperations() {
		assertThat(Operations.ALL).extracting(Operation::commandName)
			.containsExactly("register-workspace", "list-workspaces", "describe-workspace", "backup-workspace",
					"list-workspace-backups", "describe-workspace-backup", "list-workspace-events", "cancel-backup",
					"delete-backup", "verify-backup", "drill-backup", "restore-workspace", "check-prerequisites",
					"list-schedules", "pause-schedule", "resume-schedule", "trigger-schedule", "preview-retention",
					"list-notifications", "send-test-notification");
	}

	@ParameterizedTest
	@CsvSource({ "workspaceCrn, workspace-crn", "backupJobTimeoutMinutes, backup-job-timeout-minutes",
			"externalNfs, external-nfs", "region, region" })
	void camelCaseBecomesKebabCase(String camelCase, String kebabCase) {
		assertThat(Names.kebab(camelCase)).isEqualTo(kebabCase);
	}

	@ParameterizedTest
	@MethodSource("operations")
	void everyOperationHasACommandWithHelpAndASkeletonOfAllItsFields(Operation operation) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		WsbackupCli cli = new WsbackupCli(new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), Map.of());

		assertThat(cli.run(new String[] { operation.commandName(), "--help" })).isZero();
		assertThat(out.toString(StandardCharsets.UTF_8))
			.contains(operation.fields().stream().map(Field::optionName).toList());
		out.reset();
		assertThat(cli.run(new String[] { operation.commandName(), "--generate-cli-skeleton" })).isZero();
		JsonNode skeleton = JsonMapper.builder().build().readTree(out.toString(StandardCharsets.UTF_8));
		assertThat(skeleton.propertyNames())
			.containsExactlyElementsOf(operation.fields().stream().map(Field::name).toList());
	}

	@ParameterizedTest
	@MethodSource("operations")
	void everySkeletonValueHasItsFieldsJsonType(Operation operation) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		WsbackupCli cli = new WsbackupCli(new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), Map.of());

		assertThat(cli.run(new String[] { operation.commandName(), "--generate-cli-skeleton" })).isZero();
		JsonNode skeleton = JsonMapper.builder().build().readTree(out.toString(StandardCharsets.UTF_8));
		for (Field field : operation.fields()) {
			JsonNode value = skeleton.get(field.name());
			assertThat(value).as(field.name()).isNotNull();
			switch (field.type()) {
				case STRING -> assertThat(value.isString()).as(field.name()).isTrue();
				case INTEGER -> assertThat(value.isIntegralNumber()).as(field.name()).isTrue();
				case BOOLEAN -> assertThat(value.isBoolean()).as(field.name()).isTrue();
				case STRING_LIST -> assertThat(value.isArray()).as(field.name()).isTrue();
				case OBJECT -> assertThat(value.isObject() && !value.isEmpty()).as(field.name()).isTrue();
			}
		}
	}

	@Test
	void anObjectFieldHasNoSkeletonValueOfItsOwn() {
		assertThat(Operations.ALL)
			.filteredOn(
					(operation) -> operation.fields().stream().anyMatch((field) -> field.type() == FieldType.OBJECT))
			.isNotEmpty()
			.allSatisfy((operation) -> assertThat(operation.skeletonTemplate()).isNotNull());
		assertThatIllegalStateException().isThrownBy(FieldType.OBJECT::skeletonValue)
			.withMessageContaining("skeleton template");
	}

	@ParameterizedTest
	@MethodSource("operations")
	void everyFieldOfEveryOperationSaysWhatItMeans(Operation operation) {
		FieldDescriptions descriptions = FieldDescriptions.load();

		assertThat(operation.fields())
			.allSatisfy((field) -> assertThat(descriptions.describe(operation.name(), field.name()))
				.as(operation.name() + "." + field.name())
				.isNotBlank());
	}

	/**
	 * The REST field reference is made from the descriptions the CLI's help shows; with
	 * {@code -Dwsbackup.docs.write=true} this test writes it instead.
	 */
	@Test
	void theRestFieldReferenceIsMadeFromTheSameDescriptions() throws IOException {
		Path page = Path.of("docs", "api-fields.md");
		String made = FieldDescriptions.load().markdown(Operations.ALL);
		if (Boolean.getBoolean("wsbackup.docs.write")) {
			Files.writeString(page, made, StandardCharsets.UTF_8);
		}

		assertThat(Files.readString(page, StandardCharsets.UTF_8))
			.as("docs/api-fields.md is not made from field-descriptions.properties; rewrite it with -Dwsbackup.docs.write=true")
			.isEqualTo(made);
	}

	@ParameterizedTest
	@CsvSource({ "0, 0 B", "999, 999 B", "1000, 1.0 kB", "12300000, 12.3 MB", "999999, 1.0 MB",
			"5000000000000, 5.0 TB" })
	void bytesAreShownInDecimalUnits(long bytes, String shown) {
		assertThat(FollowLoop.bytes(bytes)).isEqualTo(shown);
	}

}
