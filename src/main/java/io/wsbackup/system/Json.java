package io.wsbackup.system;

import java.util.List;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Small JSON helpers for the few list-valued columns of the store. */
public final class Json {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
	};

	private Json() {
	}

	public static String writeStrings(List<String> values) {
		return MAPPER.writeValueAsString(values == null ? List.of() : values);
	}

	public static List<String> readStrings(String json) {
		return json == null || json.isBlank() ? List.of() : MAPPER.readValue(json, STRINGS);
	}

}
