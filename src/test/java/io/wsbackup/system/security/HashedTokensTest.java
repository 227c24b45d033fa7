package io.wsbackup.system.security;

import java.util.List;

import io.wsbackup.system.WsbackupProperties.Security.Token;
import org.junit.jupiter.api.Test;

import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Configured tokens are kept as hashes and recognised by hash only. */
class HashedTokensTest {

	@Test
	void theHashIsTheHexSha256OfTheTokensUtf8BytesAsSha256sumPrintsIt() {
		// printf %s abc | sha256sum
		assertThat(HashedTokens.sha256Hex("abc"))
			.isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	}

	@Test
	void aConfiguredTokenAuthenticatesItsHolderWithItsRoleAndAdminImpliesViewer() {
		HashedTokens tokens = HashedTokens.of(List.of(new Token("ops", "admin", HashedTokens.sha256Hex("s3cret-a")),
				new Token("audit", "Viewer", HashedTokens.sha256Hex("s3cret-v").toUpperCase())));

		Authentication admin = tokens.authenticate(new BearerTokenAuthenticationToken("s3cret-a"));
		assertThat(admin.getName()).isEqualTo("ops");
		assertThat(admin.isAuthenticated()).isTrue();
		assertThat(admin.getAuthorities()).extracting(Object::toString)
			.containsExactlyInAnyOrder("ROLE_ADMIN", "ROLE_VIEWER");
		Authentication viewer = tokens.authenticate(new BearerTokenAuthenticationToken("s3cret-v"));
		assertThat(viewer.getName()).isEqualTo("audit");
		assertThat(viewer.getAuthorities()).extracting(Object::toString).containsExactly("ROLE_VIEWER");
	}

	@Test
	void anotherTokenOrTheHashItselfIsRefused() {
		String hash = HashedTokens.sha256Hex("s3cret-a");
		HashedTokens tokens = HashedTokens.of(List.of(new Token("ops", "admin", hash)));
		for (String wrong : List.of("s3cret-b", "s3cret-a ", hash)) {
			assertThatThrownBy(() -> tokens.authenticate(new BearerTokenAuthenticationToken(wrong)))
				.isInstanceOf(BadCredentialsException.class)
				.hasMessage("the bearer token is not valid");
		}
	}

	@Test
	void aBadEntryIsRefusedNamingItsIndexAndField() {
		String hash = HashedTokens.sha256Hex("t");
		assertThatThrownBy(
				() -> HashedTokens.of(List.of(new Token("ops", "admin", hash), new Token("x", "root", hash))))
			.hasMessageContaining("wsbackup.security.tokens[1].role")
			.hasMessageContaining("neither admin nor viewer");
		assertThatThrownBy(() -> HashedTokens.of(List.of(new Token("ops", "admin", "t"))))
			.hasMessageContaining("wsbackup.security.tokens[0].sha256")
			.hasMessageContaining("sha256sum");
		assertThatThrownBy(() -> HashedTokens.of(List.of(new Token("a b", "admin", hash))))
			.hasMessageContaining("wsbackup.security.tokens[0].name 'a b' is not valid");
		assertThatThrownBy(() -> HashedTokens
			.of(List.of(new Token("ops", "admin", hash), new Token("ops", "viewer", HashedTokens.sha256Hex("u")))))
			.hasMessageContaining("tokens[1].name 'ops' is used twice");
	}

}
