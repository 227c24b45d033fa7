package io.wsbackup.system.security;

import java.io.IOException;

import io.wsbackup.system.ErrorCode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * Security's refusals in the API's error shape: {@code 401 {"code": "UNAUTHENTICATED",
 * "message"}} with {@code WWW-Authenticate: Bearer} when no or no valid credentials came,
 * {@code 403 {"code": "FORBIDDEN", "message"}} when the caller's role is not enough.
 */
final class SecurityErrors implements AuthenticationEntryPoint, AccessDeniedHandler {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SecurityErrors.class);

	/** At most one log line about failed authentications this often. */
	private static final long LOG_EVERY_NANOS = java.time.Duration.ofSeconds(10).toNanos();

	private final String howToAuthenticate;

	private final io.micrometer.core.instrument.MeterRegistry meters;

	private final java.util.concurrent.atomic.AtomicLong lastLogged = new java.util.concurrent.atomic.AtomicLong(
			System.nanoTime() - LOG_EVERY_NANOS);

	private final java.util.concurrent.atomic.AtomicLong unlogged = new java.util.concurrent.atomic.AtomicLong();

	/**
	 * @param howToAuthenticate what a caller without credentials is told to do
	 * @param meters where failed authentications are counted
	 * ({@code wsbackup_authentication_failures_total{credentials=missing|invalid}})
	 */
	SecurityErrors(String howToAuthenticate, io.micrometer.core.instrument.MeterRegistry meters) {
		this.howToAuthenticate = howToAuthenticate;
		this.meters = meters;
	}

	/**
	 * Counts a failed authentication, and logs it (never the token): at most one line
	 * every 10 seconds, saying how many were not logged since.
	 */
	private void failed(HttpServletRequest request, boolean tokenSent, String reason) {
		meters.counter("wsbackup.authentication.failures", "credentials", tokenSent ? "invalid" : "missing")
			.increment();
		if (!tokenSent) {
			return;
		}
		long now = System.nanoTime();
		long last = lastLogged.get();
		if (now - last < LOG_EVERY_NANOS || !lastLogged.compareAndSet(last, now)) {
			unlogged.incrementAndGet();
			return;
		}
		long more = unlogged.getAndSet(0);
		log.warn("authentication failed: {} {} from {}: {}{}", request.getMethod(), request.getRequestURI(),
				request.getRemoteAddr(), reason,
				more == 0 ? "" : " (and " + more + " more failed authentication(s) since the last line)");
	}

	@Override
	public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException exception)
			throws IOException {
		boolean tokenSent = request.getHeader("Authorization") != null;
		failed(request, tokenSent, exception.getMessage());
		String message = tokenSent ? exception.getMessage() + "; " + this.howToAuthenticate : this.howToAuthenticate;
		response.setHeader("WWW-Authenticate",
				tokenSent ? "Bearer error=\"invalid_token\"" : "Bearer realm=\"wsbackup\"");
		write(response, ErrorCode.UNAUTHENTICATED, message);
	}

	@Override
	public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException exception)
			throws IOException {
		String who = Callers.of(SecurityContextHolder.getContext().getAuthentication())
			.map((caller) -> caller.name() + " (role " + ((caller.role() == null) ? "none" : caller.role().text())
					+ ")")
			.orElse("the caller");
		write(response, ErrorCode.FORBIDDEN, who + " may not " + request.getMethod() + " " + request.getRequestURI()
				+ ": it needs the " + needed(request).text() + " role");
	}

	/** The role a request needs, as {@link SecurityConfiguration} decides it. */
	private static Role needed(HttpServletRequest request) {
		return SecurityConfiguration.isRead(request) ? Role.VIEWER : Role.ADMIN;
	}

	private static void write(HttpServletResponse response, ErrorCode code, String message) throws IOException {
		response.setStatus(code.httpStatus());
		response.setContentType(MediaType.APPLICATION_JSON_VALUE);
		response.setCharacterEncoding("UTF-8");
		response.getWriter()
			.write(JSON.writeValueAsString(JSON.createObjectNode().put("code", code.name()).put("message", message)));
	}

}
