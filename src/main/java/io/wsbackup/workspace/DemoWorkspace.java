package io.wsbackup.workspace;

import io.wsbackup.system.WsbackupProperties;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * At the first start of the embedded default, registers workspace {@code demo} in
 * environment {@code local}, its storage two directories under the data dir: a "volume"
 * ({@code demo/volume-db}) and the "shared file system" ({@code demo/shared-fs}), a few
 * hundred files and about 50 MB, so that a backup shows progress. A marker file keeps it
 * from coming back once an operator removed it.
 */
@Component
@ConditionalOnProperty(name = "wsbackup.demo.enabled", havingValue = "true")
class DemoWorkspace implements ApplicationRunner {

	static final String NAME = "demo";

	static final String ENVIRONMENT = "local";

	private static final Logger log = LoggerFactory.getLogger(DemoWorkspace.class);

	private final WorkspaceService workspaces;

	private final WorkspaceRepository repository;

	private final WsbackupProperties properties;

	DemoWorkspace(WorkspaceService workspaces, WorkspaceRepository repository, WsbackupProperties properties) {
		this.workspaces = workspaces;
		this.repository = repository;
		this.properties = properties;
	}

	@Override
	public void run(ApplicationArguments args) throws IOException {
		Path root = properties.dataDir().resolve("demo");
		Path marker = root.resolve(".registered");
		if (Files.exists(marker) || repository.findByName(ENVIRONMENT, NAME).isPresent()) {
			return;
		}
		Path volume = root.resolve("volume-db");
		Path shared = root.resolve("shared-fs");
		Random random = new Random(42);
		fill(volume, "pgdata/base", 40, 256 * 1024, 768 * 1024, random);
		fill(shared, "projects/churn-model", 180, 4 * 1024, 256 * 1024, random);
		fill(shared, "projects/forecast", 120, 4 * 1024, 192 * 1024, random);
		var workspace = workspaces.register(NAME, ENVIRONMENT, null, null, null,
				new WorkspaceStorage(List.of(volume.toString()), shared.toString(), false), null);
		Files.writeString(marker, workspace.crn().toString());
		log.info("registered the demo workspace {} ({}) with its storage under {}", NAME, workspace.crn(), root);
	}

	private static void fill(Path dir, String sub, int files, int minSize, int maxSize, Random random) {
		try {
			Path target = dir.resolve(sub);
			Files.createDirectories(target);
			for (int i = 0; i < files; i++) {
				byte[] content = new byte[minSize + random.nextInt(maxSize - minSize)];
				random.nextBytes(content);
				Files.write(target.resolve(String.format("part-%04d.dat", i)), content);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot write the demo workspace's files under " + dir, ex);
		}
	}

}
