package io.wsbackup.cloud.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import io.wsbackup.cloud.CloudException;

/**
 * The vaults of the local cloud: a vault is the directory
 * {@code <vaultsRoot>/<vaultName>} with its name, tags and creation time in
 * {@code vault.json}.
 */
final class Vaults {

	private static final Logger log = LoggerFactory.getLogger(Vaults.class);

	static final String VAULT_FILE = "vault.json";

	private static final Pattern VAULT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,254}");

	private final Path root;

	private final JsonMapper json;

	private final Clock clock;

	Vaults(Path root, JsonMapper json, Clock clock) {
		this.root = root;
		this.json = json;
		this.clock = clock;
	}

	/** The directory of a vault, which may not exist. */
	Path dir(String vaultName) {
		if (vaultName == null || !VAULT_NAME.matcher(vaultName).matches()) {
			throw new CloudException("invalid vault name '" + vaultName + "': use letters, digits, '.', '_' and '-', "
					+ "starting with a letter or digit", false);
		}
		return root.resolve(vaultName);
	}

	/** The directory of a vault that {@link #ensure} created. */
	Path existing(String vaultName) {
		Path vault = dir(vaultName);
		if (!Files.isRegularFile(vault.resolve(VAULT_FILE))) {
			throw new CloudException(
					"vault " + vaultName + " does not exist in " + root + "; create it with ensureVault first", false);
		}
		return vault;
	}

	/**
	 * Creates the vault when it is absent, or gives it these tags, keeping its creation
	 * time.
	 * @return the vault's name
	 */
	String ensure(String vaultName, Map<String, String> tags) {
		Path vault = dir(vaultName);
		Map<String, String> wanted = new TreeMap<>(tags != null ? tags : Map.of());
		try {
			Files.createDirectories(vault);
			Path file = vault.resolve(VAULT_FILE);
			Instant createdAt = clock.instant();
			if (Files.isRegularFile(file)) {
				VaultInfo existing = json.readValue(file.toFile(), VaultInfo.class);
				if (new TreeMap<>(existing.tags()).equals(wanted)) {
					return vaultName;
				}
				createdAt = existing.createdAt();
			}
			Path tmp = vault.resolve(VAULT_FILE + "." + UUID.randomUUID() + ".tmp");
			json.writeValue(tmp.toFile(), new VaultInfo(vaultName, createdAt, wanted));
			Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			log.info("Vault {} ready in {}", vaultName, vault);
			return vaultName;
		}
		catch (IOException | RuntimeException ex) {
			throw new CloudException(
					"cannot create the vault " + vaultName + " in " + vault + ": " + FileTrees.describe(ex), false, ex);
		}
	}

	/**
	 * The subdirectories of {@code dir} whose names match {@code glob}; none when it is
	 * absent.
	 */
	static List<Path> subdirectories(Path dir, String glob) {
		List<Path> children = new ArrayList<>();
		if (!Files.isDirectory(dir)) {
			return children;
		}
		try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, glob)) {
			for (Path child : stream) {
				if (Files.isDirectory(child)) {
					children.add(child);
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return children;
	}

	/** The content of {@code vault.json}. */
	record VaultInfo(String vaultName, Instant createdAt, Map<String, String> tags) {

		VaultInfo {
			tags = (tags != null) ? Map.copyOf(tags) : Map.of();
		}

	}

}
