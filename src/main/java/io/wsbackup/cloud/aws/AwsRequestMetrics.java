package io.wsbackup.cloud.aws;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpResponse;

import io.wsbackup.metrics.WsbackupMetrics;

/**
 * Counts every answered request of the SDK clients it is registered on into
 * {@code wsbackup_cloud_requests_total{provider="aws",service,operation,throttled}}: each
 * attempt, so that the requests the SDK retries after a throttle are counted too. A
 * request is throttled when AWS answers 429 or with one of the throttling error codes
 * ({@code ThrottlingException}, {@code Throttling}, {@code TooManyRequestsException},
 * {@code RequestLimitExceeded}, ...). JSON services name the code in a header; query and
 * EC2 services only in the (small) XML body of an error, which is read here and handed on
 * unchanged.
 */
final class AwsRequestMetrics implements ExecutionInterceptor {

	static final Set<String> THROTTLING_CODES = Set.of("ThrottlingException", "Throttling", "TooManyRequestsException",
			"RequestLimitExceeded", "ThrottledException", "RequestThrottledException", "RequestThrottled", "SlowDown",
			"ProvisionedThroughputExceededException", "BandwidthLimitExceeded", "EC2ThrottledException",
			"PriorRequestNotComplete");

	private static final Pattern JSON_TYPE = Pattern.compile("\"__type\"\\s*:\\s*\"(?:[^\"#]*#)?([^\"]+)\"");

	private static final Pattern JSON_CODE = Pattern.compile("\"(?:code|Code)\"\\s*:\\s*\"([^\"]+)\"");

	private static final Pattern XML_CODE = Pattern.compile("<Code>\\s*([^<\\s]+)\\s*</Code>");

	private final WsbackupMetrics metrics;

	AwsRequestMetrics(WsbackupMetrics metrics) {
		this.metrics = metrics;
	}

	@Override
	public Optional<InputStream> modifyHttpResponseContent(Context.ModifyHttpResponse context,
			ExecutionAttributes attributes) {
		SdkHttpResponse response = context.httpResponse();
		Optional<InputStream> body = context.responseBody();
		String service = String.valueOf(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME));
		String operation = String.valueOf(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
		if (response.isSuccessful()) {
			metrics.cloudRequest("aws", service, operation, false);
			return body;
		}
		byte[] content = body.map(AwsRequestMetrics::readAll).orElse(new byte[0]);
		String code = errorCode(response, new String(content, StandardCharsets.UTF_8));
		metrics.cloudRequest("aws", service, operation,
				response.statusCode() == 429 || THROTTLING_CODES.contains(code));
		return body.isPresent() ? Optional.of(new ByteArrayInputStream(content)) : body;
	}

	/**
	 * The AWS error code of an error answer: the {@code x-amzn-ErrorType} header, else
	 * the body's {@code __type} or {@code code} (JSON) or {@code <Code>} (XML); empty
	 * when none.
	 */
	static String errorCode(SdkHttpResponse response, String body) {
		Optional<String> header = response.firstMatchingHeader("x-amzn-ErrorType");
		if (header.isPresent()) {
			return header.get().split(":", 2)[0].trim();
		}
		for (Pattern pattern : new Pattern[] { JSON_TYPE, JSON_CODE, XML_CODE }) {
			Matcher matcher = pattern.matcher(body);
			if (matcher.find()) {
				return matcher.group(1);
			}
		}
		return "";
	}

	private static byte[] readAll(InputStream in) {
		try (in) {
			return in.readAllBytes();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
