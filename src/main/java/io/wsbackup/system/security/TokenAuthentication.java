package io.wsbackup.system.security;

import org.springframework.security.authentication.AbstractAuthenticationToken;

/** A caller authenticated by one of the configured bearer tokens: its name and role. */
final class TokenAuthentication extends AbstractAuthenticationToken {

	private final String name;

	TokenAuthentication(String name, Role role) {
		super(role.authorities());
		this.name = name;
		setAuthenticated(true);
	}

	@Override
	public Object getCredentials() {
		return "";
	}

	@Override
	public Object getPrincipal() {
		return this.name;
	}

	@Override
	public String getName() {
		return this.name;
	}

}
