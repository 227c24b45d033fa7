package io.wsbackup.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.wsbackup.notification.NotificationEvent;
import io.wsbackup.notification.NotificationSender;
import io.wsbackup.notification.NotificationSettings;
import io.wsbackup.notification.Notifications;
import io.wsbackup.notification.Outbox;
import io.wsbackup.system.WsbackupException;
import io.wsbackup.system.WsbackupProperties;
import io.wsbackup.system.security.Callers;
import io.wsbackup.workspace.Crn;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The notification operations of the RPC-style API: {@code listNotifications} (recent
 * deliveries, newest first, with their status and attempts, and the configured targets)
 * and {@code sendTestNotification} (a test event to one target, answered with its first
 * attempt's outcome). See docs/notifications.md.
 */
@RestController
@RequestMapping(path = "/api/v1/ml", produces = "application/json")
class NotificationApiController {

	static final List<String> OPERATIONS = List.of("listNotifications", "sendTestNotification");

	record ListNotifications(String status, String event, String target, String workspaceCrn, Integer pageSize,
			String startingToken) {
	}

	record SendTestNotification(String target) {
	}

	/**
	 * One delivery: an event to one target.
	 *
	 * @param status {@code pending} (due at nextAttemptAt, or being sent),
	 * {@code delivered} or {@code failed} (given up after the retry period)
	 */
	record NotificationView(String notificationId, String eventId, String event, String eventType, String target,
			String workspaceCrn, String subjectCrn, String message, String status, int attempts, String createdAt,
			String lastAttemptAt, String nextAttemptAt, Integer lastResponseStatus, String lastError,
			String deliveredAt) {

		static NotificationView of(Outbox.Delivery d) {
			return new NotificationView(String.valueOf(d.id()), d.eventId(), d.event(),
					NotificationEvent.of(d.event()).map(NotificationEvent::type).orElse(null), d.target(),
					d.workspaceCrn(), d.subjectCrn(), d.message(), d.status().text(), d.attempts(),
					Views.time(d.createdAt()), Views.time(d.lastAttemptAt()),
					d.status() == Outbox.Status.PENDING ? Views.time(d.nextAttemptAt()) : null, d.lastResponseStatus(),
					d.lastError(), Views.time(d.deliveredAt()));
		}

	}

	/**
	 * A configured target: its URL's origin only (a webhook's path may be its secret).
	 */
	record TargetView(String name, String origin, String format, List<String> events, List<String> schedules,
			boolean signed) {

		static TargetView of(String name, NotificationSettings.Target t) {
			return new TargetView(name, t.origin(), t.format(), t.events(), t.schedules(),
					t.secret() != null && !t.secret().isBlank());
		}

	}

	record NotificationsPage(List<NotificationView> notifications, List<TargetView> targets, Map<String, Long> counts,
			String nextToken) {
	}

	record TestSent(NotificationView notification) {
	}

	private final RequestReader reader;

	private final Notifications notifications;

	private final WsbackupProperties properties;

	private final NotificationSender sender;

	NotificationApiController(RequestReader reader, Notifications notifications, NotificationSender sender,
			WsbackupProperties properties) {
		this.sender = sender;
		this.reader = reader;
		this.notifications = notifications;
		this.properties = properties;
	}

	@PostMapping("/listNotifications")
	NotificationsPage listNotifications(@RequestBody(required = false) String body) {
		var r = reader.read("listNotifications", body, ListNotifications.class);
		Outbox.Status status = null;
		if (r.status() != null) {
			status = Arrays.stream(Outbox.Status.values())
				.filter((s) -> s.text().equals(r.status()))
				.findFirst()
				.orElseThrow(() -> WsbackupException
					.invalid("status must be pending, delivered or failed, not " + r.status()));
		}
		if (r.event() != null && NotificationEvent.of(r.event()).isEmpty()) {
			throw WsbackupException.invalid("event " + r.event() + " is not one; the events are " + String.join(", ",
					Arrays.stream(NotificationEvent.values()).map(NotificationEvent::configName).toList()));
		}
		String workspaceCrn = r.workspaceCrn() == null ? null
				: Crn.parseField(r.workspaceCrn(), Crn.WORKSPACE, "workspaceCrn").toString();
		int size = PageToken.pageSize(r.pageSize());
		List<String> scope = Arrays.asList(r.status(), r.event(), r.target(), workspaceCrn);
		List<String> after = PageToken.decode(r.startingToken(), "listNotifications", scope, 1);
		Long beforeId;
		try {
			beforeId = after == null ? null : Long.valueOf(after.get(0));
		}
		catch (NumberFormatException ex) {
			throw PageToken.refused("listNotifications", "it is not one this runner gave");
		}
		List<Outbox.Delivery> page = notifications.outbox()
			.pageNewestFirst(status, r.event(), r.target(), workspaceCrn, beforeId, size + 1);
		String next = null;
		if (page.size() > size) {
			page = page.subList(0, size);
			next = PageToken.encode("listNotifications", scope, List.of(String.valueOf(page.get(size - 1).id())));
		}
		List<TargetView> targets = new ArrayList<>();
		notifications.targets().forEach((name, t) -> targets.add(TargetView.of(name, t)));
		Map<String, Long> counts = new java.util.LinkedHashMap<>();
		notifications.outbox().counts().forEach((s, n) -> counts.put(s.text(), n));
		return new NotificationsPage(page.stream().map(NotificationView::of).toList(), targets, counts, next);
	}

	@PostMapping("/sendTestNotification")
	TestSent sendTestNotification(@RequestBody(required = false) String body) {
		var r = reader.read("sendTestNotification", body, SendTestNotification.class);
		return new TestSent(NotificationView.of(sender.sendTest(r.target(), Callers.currentCreatorCrn(properties))));
	}

}
