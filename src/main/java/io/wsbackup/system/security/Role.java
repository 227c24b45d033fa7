package io.wsbackup.system.security;

import java.util.List;
import java.util.Locale;

import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * The two roles: {@code viewer} reads, {@code admin} also writes (launch, restart, stop,
 * cancel, delete, restore, register, schedule pause/resume/trigger). Admin implies
 * viewer: an admin's authorities are both.
 */
public enum Role {

	VIEWER, ADMIN;

	/** The authority Spring Security checks for this role, {@code ROLE_ADMIN}. */
	public String authority() {
		return "ROLE_" + name();
	}

	/** What a caller of this role may do, as authorities: admin carries viewer's too. */
	public List<GrantedAuthority> authorities() {
		return (this == ADMIN)
				? List.of(new SimpleGrantedAuthority(ADMIN.authority()), new SimpleGrantedAuthority(VIEWER.authority()))
				: List.of(new SimpleGrantedAuthority(VIEWER.authority()));
	}

	/** The role's name in configuration and answers: {@code admin}, {@code viewer}. */
	public String text() {
		return name().toLowerCase(Locale.ROOT);
	}

	/**
	 * The role named {@code admin} or {@code viewer} (any case).
	 * @throws IllegalArgumentException for any other name
	 */
	public static Role parse(String text) {
		if (text != null) {
			for (Role role : values()) {
				if (role.text().equalsIgnoreCase(text.strip())) {
					return role;
				}
			}
		}
		throw new IllegalArgumentException("role '" + text + "' is neither admin nor viewer");
	}

	/** The highest role among the authorities, or {@code null} when none is there. */
	public static Role of(java.util.Collection<? extends GrantedAuthority> authorities) {
		boolean viewer = false;
		for (GrantedAuthority authority : authorities) {
			if (ADMIN.authority().equals(authority.getAuthority())) {
				return ADMIN;
			}
			viewer |= VIEWER.authority().equals(authority.getAuthority());
		}
		return viewer ? VIEWER : null;
	}

}
