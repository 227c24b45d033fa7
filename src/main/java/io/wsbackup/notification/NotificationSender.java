package io.wsbackup.notification;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.wsbackup.events.EventLog;
import io.wsbackup.system.WsbackupProperties;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Sends the outbox's due notifications, on every runner: it claims them compare-and-set
 * (so that one runner sends each), POSTs each, signed, to its target, and marks it
 * delivered (a 2xx answer), or due again after an exponential back-off, or failed once
 * its retry period is over (an ERROR event on its workspace and the metric's
 * {@code failed} outcome). A runner that dies while sending leaves its claim to end; then
 * another runner sends the notification again with the same CloudEvent id.
 */
@Component
public class NotificationSender implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(NotificationSender.class);

	/** The metric {@code wsbackup_notifications_total{event, outcome}}. */
	public static final String METRIC = "wsbackup.notifications";

	private static final int BATCH = 20;

	private final Notifications notifications;

	private final NotificationSettings settings;

	private final Outbox outbox;

	private final EventLog events;

	private final MeterRegistry registry;

	private final Clock clock;

	private final String source;

	private final boolean sending;

	private final String claimer = "sender-" + UUID.randomUUID().toString().substring(0, 13);

	private final Semaphore woken = new Semaphore(0);

	private final HttpClient http;

	private volatile Thread loop;

	private volatile boolean running;

	public NotificationSender(Notifications notifications, NotificationSettings settings, Outbox outbox,
			EventLog events, MeterRegistry registry, Clock clock, WsbackupProperties properties,
			@Value("${wsbackup.notifications.sender-enabled:true}") boolean sending) {
		this.notifications = notifications;
		this.settings = settings;
		this.outbox = outbox;
		this.events = events;
		this.registry = registry;
		this.clock = clock;
		this.sending = sending;
		this.source = "/wsbackup/" + properties.accountId() + "/" + properties.region();
		this.http = HttpClient.newBuilder()
			.connectTimeout(settings.requestTimeout())
			.followRedirects(HttpClient.Redirect.NEVER)
			.build();
	}

	@Override
	public synchronized void start() {
		running = true;
		if (!sending || !notifications.enabled()) {
			return;
		}
		notifications.onRecorded(this::wake);
		loop = Thread.ofVirtual().name("notification-sender").start(this::run);
	}

	@Override
	public synchronized void stop() {
		running = false;
		if (loop != null) {
			loop.interrupt();
			loop = null;
		}
	}

	@Override
	public boolean isRunning() {
		return running;
	}

	/**
	 * How long a claim lasts: longer than one attempt can take (its connection and its
	 * answer each get the request timeout), so that no other runner takes a notification
	 * while it is being sent.
	 */
	private Duration claimLength() {
		return settings.requestTimeout().multipliedBy(3).plusSeconds(5);
	}

	/** Looks for due notifications now rather than at the next poll. */
	public void wake() {
		woken.release();
	}

	/**
	 * Sends a test event to one target now, from this runner, and answers how its first
	 * attempt went (retries follow like any notification's). A runner that does not send
	 * ({@code sender-enabled: false}) leaves it to the others and answers it pending.
	 * @throws io.wsbackup.system.WsbackupException 400 without a target, 404 for a target
	 * that is not configured
	 */
	public Outbox.Delivery sendTest(String target, String requestedBy) {
		if (!sending) {
			Outbox.Delivery written = notifications.addTest(target, requestedBy, null, null);
			wake();
			return written;
		}
		Outbox.Delivery claimed = notifications.addTest(target, requestedBy, claimer,
				clock.instant().plus(claimLength()));
		send(claimed);
		return outbox.find(claimed.id()).orElse(claimed);
	}

	/** This sender's name in the outbox's claims. */
	public String claimer() {
		return claimer;
	}

	private void run() {
		Instant nextCleanup = clock.instant();
		while (running) {
			int sent = 0;
			try {
				sent = sendDue();
				if (!clock.instant().isBefore(nextCleanup)) {
					cleanUp();
					nextCleanup = clock.instant().plus(Duration.ofHours(1));
				}
			}
			catch (RuntimeException ex) {
				log.warn("sending notifications failed, trying again at the next poll: {}", ex.toString());
			}
			if (sent >= BATCH) {
				continue;
			}
			try {
				woken.tryAcquire(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
				woken.drainPermits();
			}
			catch (InterruptedException ex) {
				return;
			}
		}
	}

	/**
	 * Removes what was kept long enough, and fails what no runner sent within its retry
	 * period and a day (its target is configured on no runner that polled), each with the
	 * metric's {@code failed} outcome and an ERROR event, like a notification given up.
	 */
	void cleanUp() {
		outbox.removeEndedBefore(clock.instant().minus(settings.keep()));
		// a day's margin past the retry period: a runner that has the target gives up
		// on its own first
		Instant before = clock.instant().minus(settings.retryFor()).minus(Duration.ofDays(1));
		for (Outbox.Delivery d : outbox.pendingBefore(before, 1000)) {
			String reason = "no runner sent it within its retry period: is target " + d.target()
					+ " configured on every runner?";
			if (outbox.expire(d.id(), reason)) {
				count(d, "failed");
				tellGivenUp(d, "notification " + d.id() + " (" + d.event() + ", event " + d.eventId() + ") to target "
						+ d.target() + " failed: " + reason);
			}
		}
	}

	/**
	 * Claims and sends the due notifications, at most a batch.
	 * @return how many it claimed
	 */
	int sendDue() {
		Instant claimedUntil = clock.instant().plus(claimLength());
		List<Outbox.Delivery> claimed = outbox.claimDue(claimer, claimedUntil, BATCH, settings.targets().keySet());
		List<Thread> sends = new ArrayList<>();
		for (Outbox.Delivery delivery : claimed) {
			sends.add(Thread.ofVirtual().name("notification-" + delivery.id()).start(() -> send(delivery)));
		}
		for (Thread send : sends) {
			try {
				send.join();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		return claimed.size();
	}

	private void send(Outbox.Delivery d) {
		// a sender claims only notifications of the targets it is configured with
		NotificationSettings.Target target = settings.targets().get(d.target());
		Integer status = null;
		String error;
		try {
			String body = Payloads.body(d, target.format(), source);
			HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target.url().trim()))
				.timeout(settings.requestTimeout())
				.header("Content-Type", Payloads.contentType(target.format()))
				.header("User-Agent", "wsbackup-notifications")
				.POST(HttpRequest.BodyPublishers.ofString(body));
			if (target.secret() != null && !target.secret().isBlank()) {
				long timestamp = clock.instant().getEpochSecond();
				request.header(Payloads.TIMESTAMP_HEADER, Long.toString(timestamp))
					.header(Payloads.SIGNATURE_HEADER, Payloads.signature(target.secret(), timestamp, body));
			}
			HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
			status = response.statusCode();
			if (status >= 200 && status < 300) {
				if (outbox.delivered(d.id(), claimer, status)) {
					count(d, "delivered");
				}
				return;
			}
			String answer = response.body() == null ? "" : response.body().strip();
			error = "HTTP " + status + (answer.isEmpty() ? "" : ": " + abbreviate(answer));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			error = "interrupted while sending (the runner stopped)";
		}
		catch (Exception ex) {
			error = failure(ex, target.origin());
		}
		Instant now = clock.instant();
		Instant next = now.plus(backoff(d.attempts() + 1));
		if (next.isAfter(d.createdAt().plus(settings.retryFor()))) {
			giveUp(d, status, error);
			return;
		}
		if (outbox.attemptFailed(d.id(), claimer, status, error, next)) {
			count(d, "retried");
			log.info("notification {} ({} to {}) attempt {} failed, next at {}: {}", d.id(), d.event(), d.target(),
					d.attempts() + 1, next, error);
		}
	}

	/**
	 * Why an attempt got no answer, for the operator: what failed, against the target's
	 * origin (never its whole URL, whose path may be a secret).
	 */
	String failure(Exception ex, String origin) {
		String detail = ex.getMessage() == null || ex.getMessage().isBlank() ? "" : ": " + ex.getMessage();
		if (ex instanceof java.net.http.HttpConnectTimeoutException) {
			return "no connection to " + origin + " within " + settings.requestTimeout();
		}
		if (ex instanceof java.net.http.HttpTimeoutException) {
			return "no answer from " + origin + " within " + settings.requestTimeout();
		}
		if (ex instanceof java.net.ConnectException) {
			return "could not connect to " + origin + " (refused or unreachable: is the receiver up?)";
		}
		if (ex instanceof javax.net.ssl.SSLException) {
			return "TLS with " + origin + " failed" + detail;
		}
		if (ex instanceof java.io.IOException) {
			return "the exchange with " + origin + " failed (" + ex.getClass().getSimpleName() + ")" + detail;
		}
		return ex.getClass().getSimpleName() + detail;
	}

	/**
	 * The wait after the n-th failed attempt: first-retry, doubling, at most
	 * max-retry-interval.
	 */
	Duration backoff(int failedAttempts) {
		Duration wait = settings.firstRetry();
		for (int i = 1; i < failedAttempts && wait.compareTo(settings.maxRetryInterval()) < 0; i++) {
			wait = wait.multipliedBy(2);
		}
		return wait.compareTo(settings.maxRetryInterval()) > 0 ? settings.maxRetryInterval() : wait;
	}

	private void giveUp(Outbox.Delivery d, Integer status, String error) {
		if (!outbox.attemptFailed(d.id(), claimer, status, error, null)) {
			return;
		}
		count(d, "failed");
		tellGivenUp(d,
				"notification " + d.id() + " (" + d.event() + ", event " + d.eventId() + ") to target " + d.target()
						+ " failed for good after " + (d.attempts() + 1) + " attempt(s) over " + settings.retryFor()
						+ ": " + error);
	}

	private void tellGivenUp(Outbox.Delivery d, String message) {
		if (d.workspaceCrn() != null) {
			events.error(d.workspaceCrn(), backupOf(d), "notify", message);
		}
		else {
			log.error(message);
		}
	}

	private static String backupOf(Outbox.Delivery d) {
		return d.subjectCrn() != null && d.subjectCrn().contains(":workspace_backup:") ? d.subjectCrn() : null;
	}

	private void count(Outbox.Delivery d, String outcome) {
		Counter.builder(METRIC)
			.description("Notifications by event and outcome: delivered, retried (an attempt failed, another is due),"
					+ " failed (given up after the retry period)")
			.tag("event", d.event())
			.tag("outcome", outcome)
			.register(registry)
			.increment();
	}

	private static String abbreviate(String text) {
		return text.length() > 200 ? text.substring(0, 199) + "…" : text;
	}

}
