package io.wsbackup.system.security;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

import io.wsbackup.system.WsbackupProperties;
import io.wsbackup.system.WsbackupProperties.Security;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoders;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.SupplierJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Spring Security on the REST API and the actuator. Callers authenticate with
 * {@code Authorization: Bearer <token>}: one of the configured tokens (kept as SHA-256
 * hashes, see {@link HashedTokens}) or, when {@code wsbackup.security.oidc.issuer-uri} is
 * set, a JWT of that issuer whose roles claim holds {@code admin} or {@code viewer}.
 * <p>
 * Who may do what: health ({@code /actuator/health/**}) and info, the web console's
 * static files and the error page are open; the read operations
 * ({@link #READ_OPERATIONS}), {@code GET /api/v1/whoami} and every {@code GET} of the
 * actuator need the viewer role; every other request under {@code /api} and
 * {@code /actuator} (every write, and any operation added later until it is listed as a
 * read) needs admin; anything else needs a caller. Stateless: no session, no cookie, so
 * no CSRF protection is needed for the bearer API.
 * <p>
 * Unless an admin token or an issuer is configured,
 * {@code wsbackup.security.admin-token-file} (set by the embedded default) names a file
 * holding a generated admin token ({@link AdminTokenFile}), so that the operator is never
 * locked out and there is never a fixed password. A runner with the {@code mysql} profile
 * and no credentials at all refuses to start; any other runner without them answers
 * nothing but health and info.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class SecurityConfiguration {

	private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

	/**
	 * The operations of {@code POST /api/v1/ml/<operation>} a viewer may call: they
	 * change nothing. Every other operation needs the admin role.
	 */
	public static final Set<String> READ_OPERATIONS = Set.of("listWorkspaces", "describeWorkspace",
			"listWorkspaceBackups", "listBackups", "describeWorkspaceBackup", "listWorkspaceEvents",
			"checkPrerequisites", "listSchedules", "previewRetention", "listNotifications");

	/** The caller's own name and role, for the console. */
	public static final String WHOAMI = "/api/v1/whoami";

	private static final String OPERATIONS = "/api/v1/ml/";

	/** The name the embedded default's generated admin token goes by. */
	public static final String ADMIN_TOKEN_NAME = "admin";

	/**
	 * Whether a request only reads, so that the viewer role is enough: a read operation
	 * of the API, {@code GET /api/v1/whoami}, or a {@code GET} of the actuator.
	 */
	static boolean isRead(HttpServletRequest request) {
		String path = request.getRequestURI().substring(request.getContextPath().length());
		if (HttpMethod.POST.matches(request.getMethod()) && path.startsWith(OPERATIONS)) {
			return READ_OPERATIONS.contains(path.substring(OPERATIONS.length()));
		}
		return HttpMethod.GET.matches(request.getMethod())
				&& (path.equals(WHOAMI) || path.equals("/actuator") || path.startsWith("/actuator/"));
	}

	/** How callers authenticate, and what one without credentials is told. */
	record Credentials(List<AuthenticationProvider> providers, String howToAuthenticate) {
	}

	@Bean
	Credentials wsbackupCredentials(WsbackupProperties properties, Environment environment,
			ObjectProvider<JwtDecoder> jwtDecoder) {
		Security security = properties.security();
		HashedTokens tokens;
		try {
			tokens = HashedTokens.of(security.tokens());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(ex.getMessage(), ex);
		}
		List<AuthenticationProvider> providers = new ArrayList<>();
		String how = "send 'Authorization: Bearer <token>' (CLI: --token or WSBACKUP_TOKEN)";
		boolean oidc = security.oidc().issuerUri() != null;
		boolean adminToken = security.tokens().stream().anyMatch((t) -> Role.parse(t.role()) == Role.ADMIN);
		Path file = security.adminTokenFile();
		if (file != null && !adminToken && !oidc) {
			AdminTokenFile.Loaded loaded = AdminTokenFile.loadOrCreate(file);
			tokens = tokens.with(ADMIN_TOKEN_NAME, Role.ADMIN, loaded.hash());
			log.info("{} the admin token in {} (readable by its owner only): send it as "
					+ "'Authorization: Bearer <token>'; ./wsbackup run where the data dir is reads it by itself",
					loaded.created() ? "generated" : "using", file);
			how = how + "; this runner's admin token is in its data dir, file " + file.getFileName();
		}
		if (tokens.isEmpty() && !oidc) {
			if (environment.acceptsProfiles(Profiles.of("mysql"))) {
				throw new IllegalStateException("wsbackup refuses to start with the mysql profile and no "
						+ "credentials: configure bearer tokens (wsbackup.security.tokens[0].name, .role "
						+ "admin|viewer, .sha256 = the hex SHA-256 of the token) or an OIDC issuer "
						+ "(wsbackup.security.oidc.issuer-uri); see docs/security.md");
			}
			log.warn("no credentials configured (wsbackup.security.tokens, wsbackup.security.oidc.issuer-uri or "
					+ "wsbackup.security.admin-token-file): every call but health and info is refused");
			how = "this runner has no credentials configured (wsbackup.security.tokens or "
					+ "wsbackup.security.oidc.issuer-uri), so nothing but health and info answers";
		}
		if (!tokens.isEmpty()) {
			providers.add(tokens);
		}
		if (oidc) {
			String issuer = security.oidc().issuerUri();
			JwtDecoder decoder = jwtDecoder
				.getIfAvailable(() -> new SupplierJwtDecoder(() -> JwtDecoders.fromIssuerLocation(issuer)));
			// an issuer that cannot be reached refuses the JWT (401), it does not fail
			// the request (500)
			JwtAuthenticationProvider jwt = new JwtAuthenticationProvider((token) -> {
				try {
					return decoder.decode(token);
				}
				catch (JwtException ex) {
					throw ex;
				}
				catch (RuntimeException ex) {
					throw new JwtException(
							"the OIDC issuer " + issuer + " cannot be asked for its keys: " + ex.getMessage(), ex);
				}
			});
			String claim = security.oidc().rolesClaim();
			jwt.setJwtAuthenticationConverter(
					(token) -> new JwtAuthenticationToken(token, roles(token, claim), token.getSubject()));
			providers.add(jwt);
			log.info("accepting JWTs of the issuer {} (roles in the claim '{}')", security.oidc().issuerUri(), claim);
		}
		if (providers.isEmpty()) {
			providers.add(new NoCredentials());
		}
		return new Credentials(providers, how);
	}

	/**
	 * The authorities a JWT's roles claim grants: {@code admin} (with viewer's) and/or
	 * {@code viewer}; a list of strings or a space- or comma-separated string.
	 */
	static Collection<GrantedAuthority> roles(Jwt jwt, String claim) {
		Object value = jwt.getClaims().get(claim);
		List<String> names = new ArrayList<>();
		if (value instanceof Collection<?> list) {
			list.forEach((item) -> names.add(String.valueOf(item)));
		}
		else if (value instanceof String text) {
			names.addAll(List.of(text.split("[\\s,]+")));
		}
		Role role = null;
		for (String name : names) {
			try {
				Role named = Role.parse(name);
				role = (role == null || named.ordinal() > role.ordinal()) ? named : role;
			}
			catch (IllegalArgumentException other) {
				// a role of some other application
			}
		}
		return (role == null) ? List.of() : role.authorities();
	}

	@Bean
	SecurityFilterChain wsbackupSecurity(HttpSecurity http, Credentials credentials,
			org.springframework.beans.factory.ObjectProvider<io.micrometer.core.instrument.MeterRegistry> meters)
			throws Exception {
		SecurityErrors errors = new SecurityErrors(credentials.howToAuthenticate(),
				meters.getIfAvailable(io.micrometer.core.instrument.simple.SimpleMeterRegistry::new));
		ProviderManager manager = new ProviderManager(credentials.providers());
		http.csrf(AbstractHttpConfigurer::disable)
			.cors(AbstractHttpConfigurer::disable)
			.httpBasic(AbstractHttpConfigurer::disable)
			.formLogin(AbstractHttpConfigurer::disable)
			.logout(AbstractHttpConfigurer::disable)
			.requestCache(AbstractHttpConfigurer::disable)
			.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.authorizeHttpRequests(
					(requests) -> requests.requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/info")
						.permitAll()
						.requestMatchers(HttpMethod.GET, "/", "/index.html", "/console/**", "/favicon.ico")
						.permitAll()
						.requestMatchers("/error")
						.permitAll()
						.requestMatchers(SecurityConfiguration::isRead)
						.hasRole(Role.VIEWER.name())
						.requestMatchers("/api/**", "/actuator", "/actuator/**")
						.hasRole(Role.ADMIN.name())
						.anyRequest()
						.authenticated())
			.oauth2ResourceServer((bearer) -> bearer.authenticationManagerResolver((request) -> manager)
				.authenticationEntryPoint(errors)
				.accessDeniedHandler(errors))
			.exceptionHandling((exceptions) -> exceptions.authenticationEntryPoint(errors).accessDeniedHandler(errors));
		return http.build();
	}

	/** Refuses every bearer token: nothing is configured to accept one. */
	private static final class NoCredentials implements AuthenticationProvider {

		@Override
		public Authentication authenticate(Authentication authentication) {
			throw new BadCredentialsException("this runner accepts no credentials");
		}

		@Override
		public boolean supports(Class<?> authentication) {
			return BearerTokenAuthenticationToken.class.isAssignableFrom(authentication);
		}

	}

}
