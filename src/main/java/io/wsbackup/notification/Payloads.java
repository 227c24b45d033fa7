package io.wsbackup.notification;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A delivery's request: its body in the target's format and its signature.
 *
 * <p>
 * CloudEvents 1.0, structured mode: {@code Content-Type: application/cloudevents+json}, a
 * body of {@code specversion}, {@code id} (the same for every target and every attempt:
 * receivers de-duplicate on it), {@code source}, {@code type}, {@code subject},
 * {@code time}, {@code datacontenttype} and {@code data}. Slack: {@code {"text": ...}}.
 *
 * <p>
 * Signature: {@code X-Wsbackup-Timestamp: <unix seconds>} and
 * {@code X-Wsbackup-Signature: v1=<hex HMAC-SHA256 of "<timestamp>.<body>" keyed by the
 * target's secret>}. A receiver recomputes it and refuses a timestamp older than a few
 * minutes (docs/notifications.md has the snippet).
 */
public final class Payloads {

	public static final String TIMESTAMP_HEADER = "X-Wsbackup-Timestamp";

	public static final String SIGNATURE_HEADER = "X-Wsbackup-Signature";

	public static final String CLOUDEVENTS_CONTENT_TYPE = "application/cloudevents+json";

	private Payloads() {
	}

	/** The body of a delivery in its target's format. */
	public static String body(Outbox.Delivery d, String format, String source) {
		if (NotificationSettings.Target.SLACK.equals(format)) {
			return Outbox.JSON.writeValueAsString(Map.of("text", slackText(d)));
		}
		Map<String, Object> event = new LinkedHashMap<>();
		event.put("specversion", "1.0");
		event.put("id", d.eventId());
		event.put("source", source);
		event.put("type",
				NotificationEvent.of(d.event()).map(NotificationEvent::type).orElse("io.wsbackup." + d.event()));
		if (d.subjectCrn() != null) {
			event.put("subject", d.subjectCrn());
		}
		event.put("time", d.createdAt().toString());
		event.put("datacontenttype", "application/json");
		event.put("data", d.data());
		return Outbox.JSON.writeValueAsString(event);
	}

	public static String contentType(String format) {
		return NotificationSettings.Target.SLACK.equals(format) ? "application/json" : CLOUDEVENTS_CONTENT_TYPE;
	}

	/** {@code v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>}. */
	public static String signature(String secret, long timestamp, String body) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
			byte[] digest = mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
			return "v1=" + HexFormat.of().formatHex(digest);
		}
		catch (NoSuchAlgorithmException | InvalidKeyException ex) {
			throw new IllegalStateException("HmacSHA256 is part of every JDK", ex);
		}
	}

	private static String slackText(Outbox.Delivery d) {
		String mark = switch (d.event()) {
			case "backup-succeeded", "restore-succeeded" -> ":white_check_mark:";
			case "backup-will-miss-timeout", "schedule-skipped", "runner-took-over", "backup-cancelled" -> ":warning:";
			case "test" -> ":information_source:";
			default -> ":x:";
		};
		return mark + " wsbackup " + d.event() + ": " + d.message();
	}

}
