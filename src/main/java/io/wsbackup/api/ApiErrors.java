package io.wsbackup.api;

import java.io.IOException;
import java.util.UUID;

import io.wsbackup.api.Views.ApiError;
import io.wsbackup.system.ErrorCode;
import io.wsbackup.system.WsbackupException;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Every error the runner answers over HTTP is {@code {code, message}} with the code's
 * HTTP status: the API's own refusals, and what the framework would answer in its own
 * format (an unknown path {@code 404}, a wrong method {@code 405}, a body that is not
 * JSON {@code 415}, an unreadable body {@code 400}). An unexpected failure is
 * {@code 500 INTERNAL} with a reference to the runner's log, never the exception's text,
 * which can hold SQL, class names or server paths.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class ApiErrors {

	private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@ExceptionHandler(WsbackupException.class)
	ResponseEntity<ApiError> refused(WsbackupException ex) {
		return error(ex.code(), ex.getMessage());
	}

	@ExceptionHandler(HttpRequestMethodNotSupportedException.class)
	ResponseEntity<ApiError> wrongMethod(HttpRequestMethodNotSupportedException ex) {
		String allowed = ex.getSupportedMethods() == null ? "POST" : String.join(", ", ex.getSupportedMethods());
		return ResponseEntity.status(ErrorCode.METHOD_NOT_ALLOWED.httpStatus())
			.header(HttpHeaders.ALLOW, allowed)
			.contentType(MediaType.APPLICATION_JSON)
			.body(new ApiError(ErrorCode.METHOD_NOT_ALLOWED.name(), ex.getMethod() + " is not allowed here; use "
					+ allowed + (allowed.contains("POST") ? " (the API is POST /api/v1/ml/<operation>)" : "")));
	}

	@ExceptionHandler(HttpMediaTypeNotSupportedException.class)
	ResponseEntity<ApiError> notJson(HttpMediaTypeNotSupportedException ex) {
		return error(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "the body must be JSON: send Content-Type: application/json");
	}

	@ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
	ResponseEntity<ApiError> notAcceptable(HttpMediaTypeNotAcceptableException ex) {
		return error(ErrorCode.INVALID_ARGUMENT, "the runner answers in JSON: accept application/json");
	}

	@ExceptionHandler(HttpMessageNotReadableException.class)
	ResponseEntity<ApiError> unreadable(HttpMessageNotReadableException ex) {
		return error(ErrorCode.INVALID_ARGUMENT, "the request body cannot be read as JSON");
	}

	@ExceptionHandler({ MissingServletRequestParameterException.class, MethodArgumentTypeMismatchException.class })
	ResponseEntity<ApiError> badParameter(Exception ex) {
		return error(ErrorCode.INVALID_ARGUMENT, "a parameter of the request is missing or of the wrong type");
	}

	/**
	 * What the framework refuses with a status of its own, the actuator's endpoints among
	 * them (a parameter that is not a number: "Parameter mapping failure").
	 */
	/*
	 * The two below are written straight to the response: they are met mostly on the
	 * actuator's endpoints, whose content negotiation (a vendor type first) left the body
	 * empty for a caller that accepts anything, as curl does.
	 */

	@ExceptionHandler(ResponseStatusException.class)
	void refusedByFramework(ResponseStatusException ex, HttpServletResponse response) throws IOException {
		int status = ex.getStatusCode().value();
		if (status >= 500) {
			write(response, ErrorCode.INTERNAL, internal(ex));
			return;
		}
		write(response, ErrorPage.codeOf(status),
				(status == 400)
						? "a parameter of the request is missing or of the wrong type"
								+ " (executionId and count are whole numbers, jobName and parameters text)"
						: ErrorPage.messageOf(status));
	}

	@ExceptionHandler(InvalidParameterException.class)
	void undecodableQuery(InvalidParameterException ex, HttpServletResponse response) throws IOException {
		write(response, ErrorCode.INVALID_ARGUMENT,
				"the query string cannot be decoded: send its parameters percent-encoded in UTF-8");
	}

	@ExceptionHandler(NoResourceFoundException.class)
	ResponseEntity<ApiError> noSuchPath(NoResourceFoundException ex) {
		return error(ErrorCode.NOT_FOUND, "nothing at /" + ex.getResourcePath()
				+ "; the API is POST /api/v1/ml/<operation>, the console is at /");
	}

	@ExceptionHandler(Exception.class)
	ResponseEntity<ApiError> unexpected(Exception ex) {
		return error(ErrorCode.INTERNAL, internal(ex));
	}

	/**
	 * Logs an unexpected failure under a fresh reference and returns the message a caller
	 * gets: the reference, never the exception's own text.
	 */
	static String internal(Throwable ex) {
		String reference = UUID.randomUUID().toString().substring(0, 8);
		log.error("request failed (reference {})", reference, ex);
		return "the runner failed to answer (reference " + reference + " in its log); try again, and report it if "
				+ "it persists";
	}

	private static ResponseEntity<ApiError> error(ErrorCode code, String message) {
		return ResponseEntity.status(code.httpStatus())
			.contentType(MediaType.APPLICATION_JSON)
			.body(new ApiError(code.name(), message));
	}

	/**
	 * Writes {@code {code, message}} where no handler answers (filters, the error page).
	 */
	static void write(HttpServletResponse response, ErrorCode code, String message) throws IOException {
		response.setStatus(code.httpStatus());
		response.setContentType(MediaType.APPLICATION_JSON_VALUE);
		response.setCharacterEncoding("UTF-8");
		response.getWriter().write(body(code, message));
	}

	/** {@code {code, message}} as JSON text, for writers that have no converter. */
	static String body(ErrorCode code, String message) {
		return JSON.writeValueAsString(new ApiError(code.name(), message));
	}

}
