package io.wsbackup.api;

import java.util.Arrays;
import java.util.stream.Collectors;

import io.wsbackup.system.WsbackupException;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * Reads a request body strictly: malformed JSON, unknown fields, duplicate keys, wrongly
 * typed values (a number given as a string or as a fraction for a whole number, a string
 * given as a number), numbers out of range and {@code null} inside lists are refused with
 * {@code INVALID_ARGUMENT} and a message naming the field, rather than ignored or
 * coerced.
 */
@Component
class RequestReader {

	private final JsonMapper strict = JsonMapper.builder()
		.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
		.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
		.withCoercionConfigDefaults((c) -> c.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
			.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
			.setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
			.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
			.setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail))
		.changeDefaultNullHandling((n) -> JsonSetter.Value.forContentNulls(Nulls.FAIL))
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
			String path = path(ex);
			throw WsbackupException.invalid(path.isEmpty() ? "the " + operation + " request must be a JSON object"
					: "field '" + path + "' of the " + operation + " request " + mismatch(ex));
		}
		catch (InputCoercionException ex) {
			String path = path(ex);
			throw WsbackupException.invalid((path.isEmpty() ? "a number" : "field '" + path + "'") + " of the "
					+ operation + " request is out of range: a whole number from " + Integer.MIN_VALUE + " to "
					+ Integer.MAX_VALUE + " is expected");
		}
		catch (JacksonException ex) {
			throw WsbackupException.invalid("the " + operation + " request is not valid JSON: " + clean(ex));
		}
	}

	/** Jackson's message without the source excerpt and location it appends. */
	private static String clean(JacksonException ex) {
		String message = ex.getOriginalMessage() == null ? "" : ex.getOriginalMessage();
		if (message.startsWith("Trailing token")) {
			return "it holds more than one JSON value";
		}
		if (message.startsWith("Duplicate Object property")) {
			return message.replace("Duplicate Object property", "a field is given twice:");
		}
		message = message.replaceAll("\\s*\\(for .*$", "").replaceAll("\\s*at \\[Source.*$", "").strip();
		// never Jackson's own vocabulary (class names, features, tokens)
		if (message.isEmpty() || message.contains("`") || message.contains("java.") || message.contains("jackson")
				|| message.contains("Feature")) {
			return "it is not one well-formed JSON object";
		}
		return message;
	}

	/**
	 * Reads a body as a JSON tree, for requests checked against a schema of their own.
	 */
	JsonNode readTree(String operation, String body) {
		try {
			return strict.readTree(body == null || body.isBlank() ? "{}" : body);
		}
		catch (JacksonException ex) {
			throw WsbackupException.invalid("the " + operation + " request is not valid JSON: " + clean(ex));
		}
	}

	private static String path(JacksonException ex) {
		return ex.getPath()
			.stream()
			.map((ref) -> ref.getPropertyName() != null ? ref.getPropertyName() : "[" + ref.getIndex() + "]")
			.collect(Collectors.joining("."))
			.replace(".[", "[");
	}

	/** What is wrong with a value, in words and without Java's type names. */
	private static String mismatch(MismatchedInputException ex) {
		String message = ex.getOriginalMessage() == null ? "" : ex.getOriginalMessage();
		if (message.contains("null") && message.toLowerCase(java.util.Locale.ROOT).contains("content")) {
			return "must not hold null";
		}
		Class<?> target = ex.getTargetType();
		if (target == null) {
			return "has the wrong type";
		}
		if (target == Integer.class || target == int.class || target == Long.class || target == long.class) {
			return "must be a whole number (not a string, a fraction or out of range)";
		}
		if (target == Boolean.class || target == boolean.class) {
			return "must be true or false";
		}
		if (target == String.class) {
			return "must be a string";
		}
		if (java.util.Collection.class.isAssignableFrom(target)) {
			return "must be a list of strings";
		}
		return "has the wrong type";
	}

	private static String fields(Class<? extends Record> type) {
		return Arrays.stream(type.getRecordComponents()).map((c) -> c.getName()).collect(Collectors.joining(", "));
	}

}
