package io.wsbackup.notification;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.wsbackup.system.WsbackupException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;

import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.stereotype.Component;

/**
 * What the jobs, the catalog and the schedules tell the operator's receivers. A state
 * change and its notification are written in one transaction of the store
 * ({@link #atomically}, {@link #record}), into the {@link Outbox}; the
 * {@link NotificationSender} of any live runner sends it. With no target configured,
 * nothing is written and no transaction is added.
 */
@Component
public class Notifications {

	private static final Logger log = LoggerFactory.getLogger(Notifications.class);

	private final NotificationSettings settings;

	private final Outbox outbox;

	private final TransactionTemplate transaction;

	private final Clock clock;

	private volatile Runnable wake = () -> {
	};

	public Notifications(NotificationSettings settings, Outbox outbox, PlatformTransactionManager transactionManager,
			Clock clock) {
		this.settings = settings;
		this.outbox = outbox;
		this.transaction = new TransactionTemplate(transactionManager);
		this.clock = clock;
	}

	/** Whether any target is configured. */
	public boolean enabled() {
		return !settings.targets().isEmpty();
	}

	/**
	 * Runs a state change so that the notifications it records commit or roll back with
	 * it: in the caller's transaction of the store when one is open, else in a new one
	 * (with no target configured, as it is).
	 */
	public <T> T atomically(Supplier<T> change) {
		if (!enabled()) {
			return change.get();
		}
		return transaction.execute((status) -> change.get());
	}

	/**
	 * Records an event for each target that wants it, in the current transaction (or at
	 * once, outside one); {@code notice} is only made when some target may want the
	 * event. The sender is woken once the transaction commits.
	 */
	public void record(NotificationEvent event, Supplier<Notice> notice) {
		if (!settings.anyWants(event)) {
			return;
		}
		Notice made;
		try {
			made = notice.get();
		}
		catch (DataAccessException storeFailure) {
			// the store failed: the change fails with it, and is retried with it
			throw storeFailure;
		}
		catch (RuntimeException bug) {
			// a notification that cannot be made never fails the change it tells of
			log.error("the {} notification could not be made; the change goes on without it", event.configName(), bug);
			return;
		}
		if (made == null) {
			return;
		}
		Map<String, NotificationSettings.Target> targets = settings.wanting(event, made.schedule());
		if (targets.isEmpty()) {
			return;
		}
		outbox.add(made, List.copyOf(targets.keySet()));
		wakeSenderAfterCommit();
	}

	/**
	 * Writes a test event for one target, committed at once; with a claimer, claimed for
	 * it in the same transaction, so that no polling sender takes it before the caller
	 * sends it.
	 * @return its delivery
	 * @throws WsbackupException 400 without a target, 404 when no such target is
	 * configured
	 */
	Outbox.Delivery addTest(String target, String requestedBy, String claimer, Instant claimedUntil) {
		if (target == null || target.isBlank()) {
			throw WsbackupException.invalid("target is required: the name of a target under "
					+ "wsbackup.notifications.targets (listNotifications lists them)");
		}
		if (!settings.targets().containsKey(target)) {
			throw WsbackupException.notFound("no notification target " + target + " is configured"
					+ (enabled() ? "; the targets are " + String.join(", ", settings.targets().keySet())
							: "; none is (wsbackup.notifications.targets, docs/notifications.md)"));
		}
		Notice notice = new Notice(NotificationEvent.TEST, null, null, null,
				"test notification to target " + target + ", requested by " + requestedBy,
				Notice.fields("requestedBy", requestedBy));
		return transaction.execute((status) -> {
			Outbox.Delivery written = outbox.ofEvent(outbox.add(notice, List.of(target))).get(0);
			return (claimer != null) ? outbox.claim(written.id(), claimer, claimedUntil).orElseThrow() : written;
		});
	}

	/** The configured targets, by name. */
	public Map<String, NotificationSettings.Target> targets() {
		return settings.targets();
	}

	public Outbox outbox() {
		return outbox;
	}

	void onRecorded(Runnable wake) {
		this.wake = wake;
	}

	private void wakeSenderAfterCommit() {
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

				@Override
				public void afterCommit() {
					wake.run();
				}

			});
		}
		else {
			wake.run();
		}
	}

}
