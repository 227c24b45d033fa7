package io.wsbackup.api;

import java.io.ByteArrayInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import io.wsbackup.system.ErrorCode;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The shape of every request body the API and the actuator's job endpoint take, checked
 * before any handler sees it: a {@code POST} (or {@code PUT}) body is JSON
 * ({@code Content-Type: application/json}, UTF-8) of at most
 * {@code wsbackup.api.max-request-size} (1 MB). Otherwise the answer is {@code 415}
 * {@code UNSUPPORTED_MEDIA_TYPE} or {@code 413} {@code PAYLOAD_TOO_LARGE}, as
 * {@code {code, message}}, and nothing is read further. The body is read once here and
 * handed on.
 */
@Component
class RequestShape extends OncePerRequestFilter {

	private final long maxBytes;

	RequestShape(@Value("${wsbackup.api.max-request-size:1MB}") DataSize maxRequestSize) {
		this.maxBytes = maxRequestSize.toBytes();
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		String path = request.getRequestURI();
		boolean ours = path.startsWith("/api/") || path.equals("/actuator/batchjobs")
				|| path.startsWith("/actuator/batchjobs/");
		String method = request.getMethod();
		return !ours || !("POST".equals(method) || "PUT".equals(method) || "PATCH".equals(method));
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		long declared = request.getContentLengthLong();
		if (declared > maxBytes) {
			tooLarge(response);
			return;
		}
		String contentType = request.getContentType();
		if (!isJson(contentType)) {
			ApiErrors.write(response, ErrorCode.UNSUPPORTED_MEDIA_TYPE,
					"the body must be JSON: send Content-Type: application/json"
							+ (contentType == null ? " (none was sent)" : ", not " + shown(contentType)));
			return;
		}
		byte[] body = request.getInputStream().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
		if (body.length > maxBytes) {
			tooLarge(response);
			return;
		}
		try {
			StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(body));
		}
		catch (CharacterCodingException ex) {
			ApiErrors.write(response, ErrorCode.UNSUPPORTED_MEDIA_TYPE,
					"the body is not UTF-8: JSON requests must be encoded in UTF-8");
			return;
		}
		chain.doFilter(new ReadBody(request, body), response);
	}

	private void tooLarge(HttpServletResponse response) throws IOException {
		response.setHeader("Connection", "close");
		ApiErrors.write(response, ErrorCode.PAYLOAD_TOO_LARGE,
				"the request body is larger than " + maxBytes + " bytes (wsbackup.api.max-request-size)");
	}

	/** {@code application/json} or a {@code +json} type, in UTF-8 (or no charset). */
	private static boolean isJson(String contentType) {
		if (contentType == null) {
			return false;
		}
		MediaType type;
		try {
			type = MediaType.parseMediaType(contentType);
		}
		catch (RuntimeException ex) {
			return false;
		}
		boolean json = "application".equals(type.getType())
				&& ("json".equals(type.getSubtype()) || type.getSubtype().endsWith("+json"));
		return json && (type.getCharset() == null || StandardCharsets.UTF_8.equals(type.getCharset()));
	}

	private static String shown(String value) {
		String clean = value.replaceAll("\\p{Cntrl}", "?");
		return clean.length() <= 80 ? clean : clean.substring(0, 77) + "...";
	}

	/** The request with its body already read. */
	private static final class ReadBody extends HttpServletRequestWrapper {

		private final byte[] body;

		ReadBody(HttpServletRequest request, byte[] body) {
			super(request);
			this.body = body;
		}

		@Override
		public ServletInputStream getInputStream() {
			InputStream in = new ByteArrayInputStream(body);
			return new ServletInputStream() {

				@Override
				public int read() throws IOException {
					return in.read();
				}

				@Override
				public int read(byte[] b, int off, int len) throws IOException {
					return in.read(b, off, len);
				}

				@Override
				public boolean isFinished() {
					try {
						return in.available() == 0;
					}
					catch (IOException ex) {
						return true;
					}
				}

				@Override
				public boolean isReady() {
					return true;
				}

				@Override
				public void setReadListener(ReadListener listener) {
					throw new IllegalStateException("the body was read already");
				}

			};
		}

		@Override
		public BufferedReader getReader() {
			return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body), StandardCharsets.UTF_8));
		}

		@Override
		public int getContentLength() {
			return body.length;
		}

		@Override
		public long getContentLengthLong() {
			return body.length;
		}

	}

}
