package io.wsbackup.notification;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The settings refuse a target that cannot work, at start, naming it. */
class NotificationSettingsTest {

	private static NotificationSettings with(String name, NotificationSettings.Target target) {
		return new NotificationSettings(Map.of(name, target), null, null, null, null, null, null);
	}

	private static NotificationSettings.Target target(String url, List<String> events, String format, String secret) {
		return new NotificationSettings.Target(url, events, format, secret, null);
	}

	@Test
	void aTargetThatCannotWorkStopsTheRunnerNamingItAndWhy() {
		assertThatThrownBy(() -> with("ops", target(null, null, null, "s")))
			.hasMessage("wsbackup.notifications.targets.ops.url is missing");
		assertThatThrownBy(() -> with("ops", target("ftp://host/x", null, null, "s")))
			.hasMessageContaining("targets.ops.url must be an http or https URL");
		assertThatThrownBy(() -> with("ops", target("not a url", null, null, "s")))
			.hasMessageContaining("targets.ops.url");
		assertThatThrownBy(
				() -> with("ops", target("https://h/x", List.of("backup-failed", "backup-exploded"), null, "s")))
			.hasMessageContaining("targets.ops.events names unknown events [backup-exploded]")
			.hasMessageContaining("backup-failed, backup-cancelled");
		assertThatThrownBy(() -> with("ops", target("https://h/x", null, "teams", "s")))
			.hasMessageContaining("targets.ops.format is teams; it must be one of cloudevents, slack");
		assertThatThrownBy(() -> with("ops", target("https://h/x", null, null, " ")))
			.hasMessageContaining("targets.ops.secret is missing");
		assertThatThrownBy(() -> with("a b", target("https://h/x", null, null, "s")))
			.hasMessageContaining("a target's name");
		assertThatThrownBy(() -> new NotificationSettings(null, Duration.ZERO, null, null, null, null, null))
			.hasMessageContaining("poll-interval must be positive");
		// a Slack target needs no secret: its URL is one
		assertThat(
				with("chat", target("https://hooks.example/T/B/x", null, "Slack", null)).targets().get("chat").format())
			.isEqualTo("slack");
	}

	@Test
	void aTargetShowsNeitherItsSecretNorItsPath() {
		NotificationSettings.Target t = target("https://hooks.example:8443/services/T0/B0/secretpath", null, "slack",
				"hunter2");
		assertThat(t.origin()).isEqualTo("https://hooks.example:8443");
		assertThat(t.toString()).contains("https://hooks.example:8443", "secret=(set)")
			.doesNotContain("hunter2", "secretpath");
	}

	@Test
	void aTargetHearsTheEventsItNamesAndAScheduleTargetOnlyItsSchedules() {
		NotificationSettings settings = new NotificationSettings(
				Map.of("all", target("https://h/a", null, null, "s"), "failures",
						target("https://h/f", List.of("backup-failed"), null, "s"), "nightly",
						new NotificationSettings.Target("https://h/n", null, null, "s", List.of("nightly"))),
				null, null, null, null, null, null);
		assertThat(settings.wanting(NotificationEvent.BACKUP_SUCCEEDED, null)).containsOnlyKeys("all");
		assertThat(settings.wanting(NotificationEvent.BACKUP_FAILED, null)).containsOnlyKeys("all", "failures");
		assertThat(settings.wanting(NotificationEvent.BACKUP_FAILED, "nightly")).containsOnlyKeys("all", "failures",
				"nightly");
		assertThat(settings.wanting(NotificationEvent.BACKUP_FAILED, "weekly")).containsOnlyKeys("all", "failures");
		assertThat(settings.anyWants(NotificationEvent.TEST)).as("the test event is sent on request only").isFalse();
		assertThat(NotificationEvent.BACKUP_WILL_MISS_TIMEOUT.type()).isEqualTo("io.wsbackup.backup.will-miss-timeout");
		assertThat(NotificationEvent.RUNNER_TOOK_OVER.type()).isEqualTo("io.wsbackup.runner.took-over");
	}

	@Test
	void theWaitBetweenAttemptsDoublesUpToItsLongest() {
		NotificationSettings settings = new NotificationSettings(Map.of(), null, Duration.ofSeconds(10),
				Duration.ofMinutes(1), null, null, null);
		NotificationSender sender = new NotificationSender(new Notifications(settings, null,
				new org.springframework.batch.infrastructure.support.transaction.ResourcelessTransactionManager(),
				java.time.Clock.systemUTC()), settings, null, null,
				new io.micrometer.core.instrument.simple.SimpleMeterRegistry(),
				java.time.Clock.fixed(Instant.EPOCH, java.time.ZoneOffset.UTC),
				new io.wsbackup.system.WsbackupProperties(null, null, null, null, null, null, null, null, null, null,
						null, null, null, null, null),
				true);
		assertThat(List.of(1, 2, 3, 4, 5, 9).stream().map(sender::backoff).toList()).containsExactly(
				Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(40), Duration.ofMinutes(1),
				Duration.ofMinutes(1), Duration.ofMinutes(1));
	}

	@Test
	void theSignatureIsAnHmacSha256OfTheTimestampAndTheBodyAsOpensslComputesIt() {
		// echo -n '1700000000.{"a":1}' | openssl dgst -sha256 -hmac secret
		assertThat(Payloads.signature("secret", 1700000000L, "{\"a\":1}"))
			.isEqualTo("v1=49f24e537407743fa4a0242bb63b94b9a47ee99cbbe071ccd8a22550ae411686");
		assertThat(Payloads.signature("secret", 1700000001L, "{\"a\":1}"))
			.isNotEqualTo(Payloads.signature("secret", 1700000000L, "{\"a\":1}"));
	}

}
