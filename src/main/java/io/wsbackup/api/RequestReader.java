package io.wsbackup.api;

import java.util.Arrays;
import java.util.stream.Collectors;

import io.wsbackup.system.WsbackupException;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * Reads a request body strictly: malformed JSON, unknown fields and wrongly typed values
 * are refused with {@code INVALID_ARGUMENT} and a message naming the field, rather than
 * ignored.
 */
@Component
class RequestReader {

	private final JsonMapper strict = JsonMapper.builder()
		.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
		.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
		.build();

	<T extends Record> T read(String operation, String body, Class<T> type) {
		String json = body == null || body.isBlank() ? "{}" : body;
		try {
			T value = strict.readValue(json, type);
			if (value == null) {
				throw WsbackupException.invalid("the " + operation + " request must be a JSON object");
			}
			return value;
		}
		catch (UnrecognizedPropertyException ex) {
			throw WsbackupException.invalid("unknown field '" + ex.getPropertyName() + "' in the " + operation
					+ " request; its fields are: " + fields(type));
		}
		catch (MismatchedInputException ex) {
			String path = ex.getPath()
				.stream()
				.map((ref) -> ref.getPropertyName() != null ? ref.getPropertyName() : "[" + ref.getIndex() + "]")
				.collect(Collectors.joining("."));
			throw WsbackupException
				.invalid(path.isEmpty() ? "the " + operation + " request must be a JSON object" : "field '" + path
						+ "' of the " + operation + " request has the wrong type: " + ex.getOriginalMessage());
		}
		catch (JacksonException ex) {
			throw WsbackupException
				.invalid("the " + operation + " request is not valid JSON: " + ex.getOriginalMessage());
		}
	}

	/**
	 * Reads a body as a JSON tree, for requests checked against a schema of their own.
	 */
	JsonNode readTree(String operation, String body) {
		try {
			return strict.readTree(body == null || body.isBlank() ? "{}" : body);
		}
		catch (JacksonException ex) {
			throw WsbackupException
				.invalid("the " + operation + " request is not valid JSON: " + ex.getOriginalMessage());
		}
	}

	private static String fields(Class<? extends Record> type) {
		return Arrays.stream(type.getRecordComponents()).map((c) -> c.getName()).collect(Collectors.joining(", "));
	}

}
