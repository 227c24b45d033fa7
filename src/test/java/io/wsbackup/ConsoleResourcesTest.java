package io.wsbackup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web console's static files: the restore form's skeleton is the build's copy of the
 * one the API checks requests against, and nothing is loaded from the internet.
 */
class ConsoleResourcesTest {

	@Test
	void theConsolesRestoreSkeletonIsTheApisOwn() throws IOException {
		assertThat(resource("/static/console/restore-workspace-input.json"))
			.isEqualTo(resource("/api/restore-workspace-input.json"));
	}

	@Test
	void theConsoleLoadsNothingFromOutsideTheRunner() throws IOException {
		try (Stream<Path> files = Files.walk(Path.of("src/main/resources/static"))) {
			files.filter(Files::isRegularFile).forEach((file) -> {
				try {
					// an SVG names its XML namespace by URL: a name, nothing is loaded
					// from it
					assertThat(Files.readString(file).replace("xmlns=\"http://www.w3.org/2000/svg\"", ""))
						.as(file.toString())
						.doesNotContainPattern("(https?:)?//[a-z0-9.-]+\\.[a-z]{2,}/");
				}
				catch (IOException ex) {
					throw new IllegalStateException(ex);
				}
			});
		}
	}

	private static String resource(String name) throws IOException {
		try (InputStream in = ConsoleResourcesTest.class.getResourceAsStream(name)) {
			assertThat(in).as(name + " on the classpath").isNotNull();
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

}
