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

	private final String howToAuthenticate;

	/**
	 * @param howToAuthenticate what a caller without credentials is told to do
	 */
	SecurityErrors(String howToAuthenticate) {
		this.howToAuthenticate = howToAuthenticate;
	}

	@Override
	public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException exception)
			throws IOException {
		boolean tokenSent = request.getHeader("Authorization") != null;
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
