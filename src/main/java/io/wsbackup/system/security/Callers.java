package io.wsbackup.system.security;

import java.util.Optional;

import io.wsbackup.system.WsbackupProperties;
import io.wsbackup.workspace.Crn;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Who is calling: the authenticated principal of the current request (a token's name or a
 * JWT's subject) and its role, and the CRN it is recorded under as a backup's creator,
 * {@code crn:cdp:iam:<region>:<account>:user:<name>}.
 */
public final class Callers {

	private Callers() {
	}

	/**
	 * An authenticated caller.
	 *
	 * @param name the token's name, or the JWT's subject
	 * @param role its highest role, or {@code null} when it has none (a JWT without
	 * roles)
	 */
	public record Caller(String name, Role role) {
	}

	/** The caller of the current request, if one is authenticated. */
	public static Optional<Caller> current() {
		return of(SecurityContextHolder.getContext().getAuthentication());
	}

	/** The caller an authentication stands for, unless it is anonymous or missing. */
	public static Optional<Caller> of(Authentication authentication) {
		if (authentication == null || !authentication.isAuthenticated()
				|| authentication instanceof AnonymousAuthenticationToken) {
			return Optional.empty();
		}
		return Optional.of(new Caller(authentication.getName(), Role.of(authentication.getAuthorities())));
	}

	/**
	 * The creator CRN of a caller: {@code crn:cdp:iam:<region>:<account>:user:<name>},
	 * the runner's region and account, the name with characters a CRN does not allow
	 * replaced by {@code _}.
	 */
	public static String creatorCrn(WsbackupProperties properties, String name) {
		String id = (name == null || name.isBlank()) ? "unknown" : name.replaceAll("[^A-Za-z0-9_.@-]", "_");
		if (!Character.isLetterOrDigit(id.charAt(0)) || id.charAt(0) > 'z') {
			id = "u" + id;
		}
		id = (id.length() > 128) ? id.substring(0, 128) : id;
		return new Crn("iam", properties.region(), properties.accountId(), "user", id).toString();
	}

	/**
	 * The creator CRN of the current request's caller, else the configured
	 * {@code wsbackup.creator-crn} (work started without a request).
	 */
	public static String currentCreatorCrn(WsbackupProperties properties) {
		return current().map((caller) -> creatorCrn(properties, caller.name())).orElse(properties.creatorCrn());
	}

}
