package io.wsbackup.api;

import java.io.IOException;

import io.wsbackup.system.ErrorCode;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The error page ({@code /error}) in the API's shape: what the servlet container or a
 * filter sends with {@code sendError} (a path the firewall rejects, a path nothing
 * serves) is {@code {code, message}}, never Spring's or Tomcat's own format. It replaces
 * Spring Boot's default error controller.
 */
@RestController
class ErrorPage implements ErrorController {

	@RequestMapping("/error")
	void error(HttpServletRequest request, HttpServletResponse response) throws IOException {
		Object status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
		int code = status instanceof Integer value ? value : response.getStatus();
		Object failure = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
		if (failure instanceof Throwable thrown) {
			ApiErrors.write(response, ErrorCode.INTERNAL, ApiErrors.internal(thrown));
			return;
		}
		ApiErrors.write(response, codeOf(code), messageOf(code));
		if (code >= 400 && code < 600) {
			response.setStatus(code);
		}
	}

	static ErrorCode codeOf(int status) {
		return switch (status) {
			case 401 -> ErrorCode.UNAUTHENTICATED;
			case 403 -> ErrorCode.FORBIDDEN;
			case 404 -> ErrorCode.NOT_FOUND;
			case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
			case 409 -> ErrorCode.FAILED_PRECONDITION;
			case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
			case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
			default -> status >= 500 ? ErrorCode.INTERNAL : ErrorCode.INVALID_ARGUMENT;
		};
	}

	static String messageOf(int status) {
		return switch (status) {
			case 404 -> "nothing here; the API is POST /api/v1/ml/<operation>, the console is at /";
			case 405 -> "this method is not allowed here; the API is POST /api/v1/ml/<operation>";
			case 413 -> "the request is too large";
			case 415 -> "the body must be JSON: send Content-Type: application/json";
			default -> status >= 500 ? "the runner failed to answer; see its log"
					: "the request is malformed (its method, path, headers or body); the API is POST /api/v1/ml/<operation> "
							+ "with a JSON body";
		};
	}

}
