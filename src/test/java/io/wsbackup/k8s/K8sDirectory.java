package io.wsbackup.k8s;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.yaml.snakeyaml.Yaml;

/**
 * The {@code k8s/} directory as kustomize sees it: its kustomizations (the top one and
 * any below it), the manifests they list, parsed by fabric8, and the files their
 * ConfigMap generators read.
 */
final class K8sDirectory {

	static final Path ROOT = Path.of("k8s");

	private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

	/** Every kustomization.yaml under k8s/, by its directory. */
	final Map<Path, Map<String, Object>> kustomizations = new LinkedHashMap<>();

	/**
	 * Every manifest file a kustomization lists, with the objects fabric8 reads from it.
	 */
	final Map<Path, List<HasMetadata>> manifests = new LinkedHashMap<>();

	/** Every ConfigMap a generator makes: its name, and its files by key. */
	final Map<String, Map<String, Path>> generatedConfigMaps = new LinkedHashMap<>();

	/** Files a kustomization lists that are not there. */
	final List<Path> missing = new ArrayList<>();

	K8sDirectory() {
		for (Path file : files()) {
			if (file.getFileName().toString().equals("kustomization.yaml")) {
				kustomizations.put(file.getParent(), yaml(file));
			}
		}
		kustomizations.forEach(this::read);
	}

	@SuppressWarnings("unchecked")
	private void read(Path dir, Map<String, Object> kustomization) {
		for (String resource : (List<String>) kustomization.getOrDefault("resources", List.of())) {
			Path path = dir.resolve(resource).normalize();
			if (Files.isDirectory(path) && Files.exists(path.resolve("kustomization.yaml"))) {
				continue; // read on its own
			}
			if (!Files.isRegularFile(path)) {
				missing.add(path);
				continue;
			}
			manifests.put(path, load(path));
		}
		for (Map<String, Object> generator : (List<Map<String, Object>>) kustomization
			.getOrDefault("configMapGenerator", List.of())) {
			Map<String, Path> files = new LinkedHashMap<>();
			for (String file : (List<String>) generator.getOrDefault("files", List.of())) {
				String key = file.contains("=") ? file.substring(0, file.indexOf('='))
						: Path.of(file).getFileName().toString();
				Path path = dir.resolve(file.contains("=") ? file.substring(file.indexOf('=') + 1) : file).normalize();
				if (!Files.isRegularFile(path)) {
					missing.add(path);
				}
				files.put(key, path);
			}
			generatedConfigMaps.put((String) generator.get("name"), files);
		}
	}

	/** Every file under k8s/, relative paths from the repository's root. */
	static List<Path> files() {
		try (Stream<Path> walk = Files.walk(ROOT)) {
			return walk.filter(Files::isRegularFile).sorted().toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	List<HasMetadata> objects() {
		return manifests.values().stream().flatMap(List::stream).toList();
	}

	<T extends HasMetadata> List<T> all(Class<T> type) {
		return objects().stream().filter(type::isInstance).map(type::cast).toList();
	}

	<T extends HasMetadata> T one(Class<T> type) {
		List<T> found = all(type);
		if (found.size() != 1) {
			throw new AssertionError("expected one " + type.getSimpleName() + " in k8s/, found " + found.size());
		}
		return found.get(0);
	}

	GenericKubernetesResource generic(String kind) {
		return all(GenericKubernetesResource.class).stream()
			.filter((r) -> kind.equals(r.getKind()))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no " + kind + " in k8s/"));
	}

	/** One manifest file: one object or several (a multi-document YAML file). */
	static List<HasMetadata> load(Path file) {
		try (InputStream in = Files.newInputStream(file)) {
			Object read = SERIALIZATION.unmarshal(in);
			List<HasMetadata> objects = new ArrayList<>();
			for (Object object : read instanceof List<?> list ? list : List.of(read)) {
				objects.add((HasMetadata) object);
			}
			return objects;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static Map<String, Object> yaml(Path file) {
		try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
			return new Yaml().load(reader);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static Properties properties(Path file) {
		Properties properties = new Properties();
		try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
			properties.load(reader);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return properties;
	}

	/**
	 * Fields fabric8's typed model did not know (a misspelt or misplaced field lands in
	 * an object's additional properties instead of failing), as {@code path: names}.
	 */
	static List<String> unknownFields(Object object) {
		List<String> found = new ArrayList<>();
		unknownFields(object, object.getClass().getSimpleName(), found,
				java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
		return found;
	}

	private static void unknownFields(Object object, String path, List<String> found, Set<Object> seen) {
		if (object == null || !seen.add(object)) {
			return;
		}
		if (object instanceof Collection<?> collection) {
			int i = 0;
			for (Object item : collection) {
				unknownFields(item, path + "[" + i++ + "]", found, seen);
			}
			return;
		}
		if (object instanceof Map<?, ?> map) {
			map.forEach((k, v) -> unknownFields(v, path + "." + k, found, seen));
			return;
		}
		if (!object.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")
				|| object instanceof GenericKubernetesResource) {
			return;
		}
		for (Method getter : object.getClass().getMethods()) {
			if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
					|| !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
				continue;
			}
			Object value;
			try {
				value = getter.invoke(object);
			}
			catch (ReflectiveOperationException ex) {
				continue;
			}
			if (getter.getName().equals("getAdditionalProperties")) {
				if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
					found.add(path + ": " + extra.keySet());
				}
				continue;
			}
			unknownFields(value,
					path + "." + getter.getName().substring(3, 4).toLowerCase() + getter.getName().substring(4), found,
					seen);
		}
	}

}
