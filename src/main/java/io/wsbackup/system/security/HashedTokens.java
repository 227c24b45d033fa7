package io.wsbackup.system.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import io.wsbackup.system.WsbackupProperties.Security.Token;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

/**
 * The configured bearer tokens, of which only the SHA-256 is kept. A presented token is
 * hashed and compared with every configured hash in constant time (no early exit), so the
 * time an answer takes says nothing about how close a guess was.
 */
public final class HashedTokens implements AuthenticationProvider {

	/** Token names end up in creator CRNs, so they use a CRN id's characters. */
	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.@-]{0,127}");

	private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

	private record Entry(String name, Role role, byte[] hash) {
	}

	private final List<Entry> entries;

	private HashedTokens(List<Entry> entries) {
		this.entries = List.copyOf(entries);
	}

	/**
	 * The tokens of the configuration.
	 * @throws IllegalArgumentException naming the entry that has no valid name, role or
	 * hash, or a name used twice
	 */
	public static HashedTokens of(List<Token> tokens) {
		List<Entry> entries = new ArrayList<>();
		Set<String> names = new HashSet<>();
		for (int i = 0; i < tokens.size(); i++) {
			Token token = tokens.get(i);
			String where = "wsbackup.security.tokens[" + i + "]";
			if (token.name() == null || !NAME.matcher(token.name()).matches()) {
				throw new IllegalArgumentException(where + ".name '" + token.name()
						+ "' is not valid: use 1 to 128 letters, digits, '_', '.', '@' or '-'");
			}
			if (!names.add(token.name())) {
				throw new IllegalArgumentException(where + ".name '" + token.name() + "' is used twice");
			}
			Role role;
			try {
				role = Role.parse(token.role());
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException(where + ".role: " + ex.getMessage());
			}
			if (token.sha256() == null || !SHA256.matcher(token.sha256().strip()).matches()) {
				throw new IllegalArgumentException(where + ".sha256 must be the hex SHA-256 of the token (64 hex "
						+ "digits, as printed by: printf %s \"$TOKEN\" | sha256sum)");
			}
			entries.add(new Entry(token.name(), role, HexFormat.of().parseHex(token.sha256().strip().toLowerCase())));
		}
		return new HashedTokens(entries);
	}

	/** This list and one more token, given by its hash. */
	HashedTokens with(String name, Role role, byte[] hash) {
		List<Entry> more = new ArrayList<>(this.entries);
		more.add(new Entry(name, role, hash.clone()));
		return new HashedTokens(more);
	}

	boolean isEmpty() {
		return this.entries.isEmpty();
	}

	/** The hex SHA-256 of a token's UTF-8 bytes. */
	public static String sha256Hex(String token) {
		return HexFormat.of().formatHex(sha256(token));
	}

	static byte[] sha256(String token) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("this JVM has no SHA-256", ex);
		}
	}

	/**
	 * The caller holding this token, if it is one of the configured ones. Every hash is
	 * compared, each in constant time.
	 */
	Optional<TokenAuthentication> authenticate(String token) {
		byte[] presented = sha256(token);
		Entry found = null;
		for (Entry entry : this.entries) {
			if (MessageDigest.isEqual(entry.hash(), presented) && found == null) {
				found = entry;
			}
		}
		return Optional.ofNullable(found).map((e) -> new TokenAuthentication(e.name(), e.role()));
	}

	@Override
	public Authentication authenticate(Authentication authentication) {
		String token = ((BearerTokenAuthenticationToken) authentication).getToken();
		return authenticate(token).orElseThrow(() -> new BadCredentialsException("the bearer token is not valid"));
	}

	@Override
	public boolean supports(Class<?> authentication) {
		return BearerTokenAuthenticationToken.class.isAssignableFrom(authentication);
	}

}
