package io.wsbackup.notification;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where notifications go and how hard the runner tries ({@code wsbackup.notifications.*},
 * docs/notifications.md). A target that cannot work (no URL, an unknown event or format,
 * a CloudEvents target without a secret) stops the runner at start with a message naming
 * it, rather than losing its notifications later.
 *
 * @param targets the receivers, by name
 * @param pollInterval how often each runner looks for due notifications (a new one is
 * sent at once by the runner that wrote it)
 * @param firstRetry the wait after a first failed attempt; it doubles with each attempt
 * @param maxRetryInterval the longest wait between two attempts
 * @param retryFor how long a notification is retried, from when it was written; then it
 * is marked failed, with an ERROR event and the metric's {@code failed} outcome
 * @param requestTimeout how long one attempt may take to connect, and again to be
 * answered; a runner's claim on a notification lasts three times that and 5 s, so a
 * runner that dies while sending hands it on after that
 * @param keep how long delivered and failed notifications stay listed
 */
@ConfigurationProperties("wsbackup.notifications")
public record NotificationSettings(Map<String, Target> targets, Duration pollInterval, Duration firstRetry,
		Duration maxRetryInterval, Duration retryFor, Duration requestTimeout, Duration keep) {

	/** What a target's {@code format} may be. */
	public static final List<String> FORMATS = List.of(Target.CLOUDEVENTS, Target.SLACK);

	public NotificationSettings {
		targets = targets == null ? Map.of() : new LinkedHashMap<>(targets);
		pollInterval = positive(pollInterval, Duration.ofSeconds(5), "poll-interval");
		firstRetry = positive(firstRetry, Duration.ofSeconds(10), "first-retry");
		maxRetryInterval = positive(maxRetryInterval, Duration.ofMinutes(15), "max-retry-interval");
		retryFor = positive(retryFor, Duration.ofHours(24), "retry-for");
		requestTimeout = positive(requestTimeout, Duration.ofSeconds(10), "request-timeout");
		keep = positive(keep, Duration.ofDays(30), "keep");
		targets.forEach((name, target) -> target.check(name));
	}

	private static Duration positive(Duration value, Duration otherwise, String name) {
		if (value == null) {
			return otherwise;
		}
		if (value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException("wsbackup.notifications." + name + " must be positive, not " + value);
		}
		return value;
	}

	/** The targets that want an event about something a schedule (or nothing) started. */
	public Map<String, Target> wanting(NotificationEvent event, String schedule) {
		Map<String, Target> wanting = new LinkedHashMap<>();
		targets.forEach((name, target) -> {
			if (target.wants(event, schedule)) {
				wanting.put(name, target);
			}
		});
		return wanting;
	}

	/** Whether any target may want the event, whatever started it. */
	public boolean anyWants(NotificationEvent event) {
		return targets.values().stream().anyMatch((t) -> t.events().contains(event.configName()));
	}

	/**
	 * One receiver.
	 *
	 * @param url where each notification is POSTed ({@code http} or {@code https}); never
	 * shown whole (a Slack webhook's path is its secret): listings show its origin
	 * @param events the events it wants, by name ({@code backup-failed}, ...); all when
	 * absent
	 * @param format {@code cloudevents} (CloudEvents 1.0 JSON, structured mode, the
	 * default) or {@code slack} (a Slack-compatible {@code {"text": ...}} payload)
	 * @param secret the HMAC-SHA256 key that signs each request; required for
	 * {@code cloudevents}, optional for {@code slack} (whose URL is the secret); take it
	 * from the environment ({@code ${WEBHOOK_SECRET}}); never logged or shown
	 * @param schedules when given, the target only hears of what these schedules started
	 * (their backups and drills' outcomes, their skips): a schedule's own target
	 */
	public record Target(String url, List<String> events, String format, String secret, List<String> schedules) {

		public static final String CLOUDEVENTS = "cloudevents";

		public static final String SLACK = "slack";

		public Target {
			events = events == null || events.isEmpty()
					? NotificationEvent.subscribable().stream().map(NotificationEvent::configName).toList()
					: List.copyOf(events);
			format = format == null ? CLOUDEVENTS : format.trim().toLowerCase(java.util.Locale.ROOT);
			schedules = schedules == null ? List.of() : List.copyOf(schedules);
		}

		void check(String name) {
			String where = "wsbackup.notifications.targets." + name;
			if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")) {
				throw new IllegalArgumentException(where + ": a target's name is letters, digits, '.', '_' or '-'");
			}
			if (url == null || url.isBlank()) {
				throw new IllegalArgumentException(where + ".url is missing");
			}
			URI uri;
			try {
				uri = URI.create(url.trim());
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException(where + ".url is not a URL: " + ex.getMessage());
			}
			if (uri.getScheme() == null || !Set.of("http", "https").contains(uri.getScheme().toLowerCase())
					|| uri.getHost() == null) {
				throw new IllegalArgumentException(where + ".url must be an http or https URL with a host");
			}
			if (!FORMATS.contains(format)) {
				throw new IllegalArgumentException(
						where + ".format is " + format + "; it must be one of " + String.join(", ", FORMATS));
			}
			Set<String> unknown = new TreeSet<>(events);
			NotificationEvent.subscribable().forEach((e) -> unknown.remove(e.configName()));
			if (!unknown.isEmpty()) {
				throw new IllegalArgumentException(
						where + ".events names unknown events " + unknown + "; the events are "
								+ NotificationEvent.subscribable()
									.stream()
									.map(NotificationEvent::configName)
									.collect(Collectors.joining(", ")));
			}
			if (CLOUDEVENTS.equals(format) && (secret == null || secret.isBlank())) {
				throw new IllegalArgumentException(where + ".secret is missing: every CloudEvents request is signed"
						+ " (HMAC-SHA256); set it, from the environment for instance: secret: ${WEBHOOK_SECRET}");
			}
		}

		boolean wants(NotificationEvent event, String schedule) {
			if (event == NotificationEvent.TEST) {
				return true;
			}
			return events.contains(event.configName())
					&& (schedules.isEmpty() || (schedule != null && schedules.contains(schedule)));
		}

		/** The URL's scheme, host and port: what listings show of it. */
		public String origin() {
			URI uri = URI.create(url.trim());
			return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
		}

		@Override
		public String toString() {
			return "Target[" + origin() + ", events=" + events + ", format=" + format + ", schedules=" + schedules
					+ ", secret=" + (secret == null ? "none" : "(set)") + "]";
		}

	}

}
