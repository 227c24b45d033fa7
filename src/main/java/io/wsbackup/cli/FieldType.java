package io.wsbackup.cli;

import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON type of a request field, which fixes its option's type and its skeleton value.
 */
enum FieldType {

	/** A JSON string; the option takes one value. */
	STRING(String.class, JsonNodeFactory.instance.stringNode("")),

	/** A JSON integer; the option takes one whole number. */
	INTEGER(Integer.class, JsonNodeFactory.instance.numberNode(0)),

	/**
	 * A JSON boolean; the option is a flag that also accepts {@code true} or
	 * {@code false}.
	 */
	BOOLEAN(Boolean.class, JsonNodeFactory.instance.booleanNode(false)),

	/** A JSON array of strings; the option is repeated, one value each time. */
	STRING_LIST(List.class, JsonNodeFactory.instance.arrayNode()),

	/**
	 * A JSON object, nested as it comes; the option takes the object's JSON text. Its
	 * skeleton value has no generic form: it comes from the operation's skeleton
	 * template.
	 */
	OBJECT(ObjectNode.class, null);

	private final Class<?> optionType;

	private final JsonNode skeletonValue;

	FieldType(Class<?> optionType, JsonNode skeletonValue) {
		this.optionType = optionType;
		this.skeletonValue = skeletonValue;
	}

	Class<?> optionType() {
		return this.optionType;
	}

	/**
	 * The value {@code --generate-cli-skeleton} shows for a field of this type.
	 * @throws IllegalStateException for {@link #OBJECT}, whose skeleton value only the
	 * operation's template knows
	 */
	JsonNode skeletonValue() {
		if (this.skeletonValue == null) {
			throw new IllegalStateException(
					"a field of type " + this + " takes its skeleton value from its operation's skeleton template");
		}
		return this.skeletonValue.deepCopy();
	}

	/** Converts a value parsed by picocli into its JSON form. */
	JsonNode toJson(Object value) {
		JsonNodeFactory nodes = JsonNodeFactory.instance;
		return switch (this) {
			case STRING -> nodes.stringNode((String) value);
			case INTEGER -> nodes.numberNode((Integer) value);
			case BOOLEAN -> nodes.booleanNode((Boolean) value);
			case STRING_LIST -> {
				var array = nodes.arrayNode();
				((List<?>) value).forEach((item) -> array.add((String) item));
				yield array;
			}
			case OBJECT -> ((ObjectNode) value).deepCopy();
		};
	}

}
