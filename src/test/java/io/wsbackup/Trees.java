package io.wsbackup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Directory trees compared the way a restore must reproduce them. */
final class Trees {

	private Trees() {
	}

	/**
	 * Every file of {@code restored} is byte for byte the one of {@code original},
	 * nothing is missing, and the two are different directories.
	 */
	static void assertSameTree(Path original, Path restored) throws IOException {
		List<String> originals;
		List<String> copies;
		try (Stream<Path> a = Files.walk(original); Stream<Path> b = Files.walk(restored)) {
			originals = a.filter(Files::isRegularFile).map((p) -> original.relativize(p).toString()).sorted().toList();
			copies = b.filter(Files::isRegularFile).map((p) -> restored.relativize(p).toString()).sorted().toList();
		}
		assertThat(copies).isEqualTo(originals).isNotEmpty();
		for (String file : originals) {
			assertThat(Files.mismatch(original.resolve(file), restored.resolve(file))).as(file).isEqualTo(-1L);
		}
		assertThat(restored).isNotEqualTo(original);
	}

}
