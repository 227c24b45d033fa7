package io.wsbackup.notification;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one notification tells, before it is addressed to its targets.
 *
 * @param event the outcome
 * @param workspaceCrn the workspace it is about, or {@code null}
 * @param subjectCrn the backup (or, for a restore, the new workspace) it is about: the
 * CloudEvent's {@code subject}
 * @param schedule the schedule that started it (or skipped it), or {@code null}
 * @param message one readable sentence: the Slack text, and {@code data.message}
 * @param data the CloudEvent's {@code data}, besides the message
 */
public record Notice(NotificationEvent event, String workspaceCrn, String subjectCrn, String schedule, String message,
		Map<String, Object> data) {

	public Notice {
		data = data == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(data));
	}

	/**
	 * The schedule a creator CRN names ({@code crn:cdp:iam:...:schedule:<name>}), or
	 * null.
	 */
	public static String scheduleOf(String creatorCrn) {
		if (creatorCrn == null) {
			return null;
		}
		int at = creatorCrn.lastIndexOf(":schedule:");
		return at < 0 ? null : creatorCrn.substring(at + ":schedule:".length());
	}

	/** A map of the given key-value pairs, leaving out null values, in order. */
	public static Map<String, Object> fields(Object... keysAndValues) {
		Map<String, Object> map = new LinkedHashMap<>();
		for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
			if (keysAndValues[i + 1] != null) {
				map.put((String) keysAndValues[i], keysAndValues[i + 1]);
			}
		}
		return map;
	}

}
