package io.wsbackup.api;

import java.io.IOException;
import java.io.Writer;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * Tomcat's own error report (a request it refuses before Spring sees it, such as a
 * malformed path) in the API's shape, {@code {code, message}}, instead of its HTML page;
 * its 505 (an HTTP version it does not speak) and 501 become 400, the caller's mistake.
 */
public class JsonErrorReportValve extends ErrorReportValve {

	@Override
	protected void report(Request request, Response response, Throwable throwable) {
		int status = response.getStatus();
		if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
			return;
		}
		String message = ErrorPage.messageOf(status);
		if (status == 505 || status == 501) {
			// an HTTP version or a method the server does not speak: the caller's
			// mistake, so a 4xx
			message = (status == 505 ? "the runner speaks HTTP/1.1 (and HTTP/1.0); " : "this method is not HTTP's; ")
					+ "the API is POST /api/v1/ml/<operation> with a JSON body";
			status = 400;
			response.setStatus(status);
		}
		try {
			response.setContentType("application/json");
			response.setCharacterEncoding("UTF-8");
			Writer writer = response.getReporter();
			if (writer != null) {
				writer.write(ApiErrors.body(ErrorPage.codeOf(status), message));
				response.finishResponse();
			}
		}
		catch (IOException | IllegalStateException ex) {
			// the connection is gone: nothing to report to
		}
	}

}
