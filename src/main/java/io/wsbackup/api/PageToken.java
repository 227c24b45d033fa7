package io.wsbackup.api;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import io.wsbackup.system.WsbackupException;

/**
 * Paging of the list operations, as {@code cdp} does it: a request may carry
 * {@code pageSize} (1 to {@value #MAX_PAGE_SIZE}, default {@value #DEFAULT_PAGE_SIZE})
 * and {@code startingToken} (the {@code nextToken} of the previous answer); an answer
 * carries {@code nextToken} unless it is the last page.
 *
 * <p>
 * A token is opaque to callers: base64url of the operation, a digest of the request's
 * filters and the position after the last item shown (keyset paging, so a page is stable
 * while backups are added). A token from another operation, from the same operation with
 * other filters, or that was changed, is refused with {@code INVALID_ARGUMENT}.
 */
final class PageToken {

	static final int DEFAULT_PAGE_SIZE = 100;

	static final int MAX_PAGE_SIZE = 1000;

	private static final String VERSION = "wsb1";

	private PageToken() {
	}

	/**
	 * The page size asked for, or the default.
	 * @throws WsbackupException {@code INVALID_ARGUMENT} outside 1 to 1000
	 */
	static int pageSize(Integer pageSize) {
		if (pageSize == null) {
			return DEFAULT_PAGE_SIZE;
		}
		if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
			throw WsbackupException.invalid("pageSize must be between 1 and " + MAX_PAGE_SIZE + ", not " + pageSize);
		}
		return pageSize;
	}

	/**
	 * The token that continues after {@code position}.
	 * @param scope the request's filters, in a fixed order
	 */
	static String encode(String operation, List<String> scope, List<String> position) {
		List<String> parts = new ArrayList<>(List.of(VERSION, operation, digest(scope)));
		position.forEach((p) -> parts.add(URLEncoder.encode(p, StandardCharsets.UTF_8)));
		return Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString(String.join(" ", parts).getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * The position a token continues after, or {@code null} for no token.
	 * @param size how many parts the position has
	 * @throws WsbackupException {@code INVALID_ARGUMENT} for a token that is not one of
	 * this operation with these filters
	 */
	static List<String> decode(String token, String operation, List<String> scope, int size) {
		if (token == null) {
			return null;
		}
		String[] parts;
		try {
			parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(" ", -1);
		}
		catch (IllegalArgumentException ex) {
			throw refused(operation, "it is not one this runner gave");
		}
		if (parts.length != 3 + size || !VERSION.equals(parts[0]) || !operation.equals(parts[1])) {
			throw refused(operation, "it is not one this runner gave for " + operation);
		}
		if (!digest(scope).equals(parts[2])) {
			throw refused(operation, "it was given for other filters; send the same filters with it");
		}
		try {
			return Arrays.stream(parts, 3, parts.length)
				.map((p) -> URLDecoder.decode(p, StandardCharsets.UTF_8))
				.toList();
		}
		catch (IllegalArgumentException ex) {
			throw refused(operation, "it is not one this runner gave");
		}
	}

	static WsbackupException refused(String operation, String why) {
		return WsbackupException.invalid("startingToken is not valid for " + operation + ": " + why
				+ ". Pass the nextToken of the previous answer unchanged, or leave startingToken out to start over");
	}

	private static String digest(List<String> scope) {
		try {
			MessageDigest sha = MessageDigest.getInstance("SHA-256");
			for (String part : scope) {
				sha.update(String.valueOf(part).getBytes(StandardCharsets.UTF_8));
				sha.update((byte) 0);
			}
			return HexFormat.of().formatHex(sha.digest(), 0, 8);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
