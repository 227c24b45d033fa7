package io.wsbackup.api;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.wsbackup.api.ListViews.AllBackupsPage;
import io.wsbackup.api.ListViews.BackupAttemptView;
import io.wsbackup.api.ListViews.BackupListing;
import io.wsbackup.api.ListViews.BackupsPage;
import io.wsbackup.api.ListViews.EventsPage;
import io.wsbackup.api.ListViews.SummaryView;
import io.wsbackup.api.ListViews.WorkspaceListing;
import io.wsbackup.api.ListViews.WorkspacesPage;
import io.wsbackup.api.Views.EventView;
import io.wsbackup.api.Views.ProgressView;
import io.wsbackup.api.Views.WorkspaceView;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.events.Event;
import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.catalog.Verification;
import io.wsbackup.events.EventLog;
import io.wsbackup.notification.Notifications;
import io.wsbackup.overview.OverviewRepository;
import io.wsbackup.overview.OverviewRepository.BackupFilter;
import io.wsbackup.overview.OverviewRepository.BackupKey;
import io.wsbackup.overview.OverviewRepository.BackupLine;
import io.wsbackup.overview.OverviewRepository.LastBackups;
import io.wsbackup.system.WsbackupException;
import io.wsbackup.workspace.Crn;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceRepository;
import io.wsbackup.workspace.WorkspaceStatus;

import org.springframework.stereotype.Component;

/**
 * The list operations' pages ({@link PageToken}): {@code listWorkspaces} with each
 * workspace's last attempt and last success and the fleet's summary,
 * {@code listWorkspaceBackups} and {@code listBackups} with sizes and completion, and
 * {@code listWorkspaceEvents}. Each page is a fixed number of statements, whatever its
 * size: no read per workspace or per backup.
 */
@Component
class Listings {

	/** A workspace with a succeeded backup younger than this is protected. */
	static final Duration PROTECTED_WITHIN = Duration.ofHours(26);

	/**
	 * The summary counts the notifications that failed for good written this long ago.
	 */
	static final Duration NOTIFICATIONS_FAILED_WITHIN = Duration.ofDays(7);

	private static final int MAX_NAME_FILTER = 100;

	private final WorkspaceRepository workspaces;

	private final OverviewRepository overview;

	private final EventLog events;

	private final Clock clock;

	private final BackupRepository catalog;

	private final Notifications notifications;

	Listings(WorkspaceRepository workspaces, OverviewRepository overview, BackupRepository catalog, EventLog events,
			Clock clock, Notifications notifications) {
		this.notifications = notifications;
		this.workspaces = workspaces;
		this.catalog = catalog;
		this.overview = overview;
		this.events = events;
		this.clock = clock;
	}

	WorkspacesPage listWorkspaces(Requests.ListWorkspaces r) {
		int size = PageToken.pageSize(r.pageSize());
		String contains = nameFilter(r.workspaceNameContains(), "workspaceNameContains");
		List<String> scope = Arrays.asList(r.environmentName(), contains);
		List<String> after = PageToken.decode(r.startingToken(), "listWorkspaces", scope, 2);
		List<Workspace> page = workspaces.page(r.environmentName(), contains, after == null ? null : after.get(0),
				after == null ? null : after.get(1), size + 1);
		String next = null;
		if (page.size() > size) {
			page = page.subList(0, size);
			Workspace last = page.get(size - 1);
			next = PageToken.encode("listWorkspaces", scope, List.of(last.environmentName(), last.name()));
		}
		Map<Crn, LastBackups> latest = overview.lastBackups(page.stream().map(Workspace::crn).toList());
		List<String> running = latest.values()
			.stream()
			.map(LastBackups::lastAttempt)
			.filter((b) -> b != null && !isEnded(b.status()))
			.map((b) -> b.backupCrn().toString())
			.toList();
		Map<String, Event> progress = overview.latestProgressOfBackups(running);
		Map<String, String> steps = overview.currentSteps(running);
		Map<String, Event> restores = overview.latestProgressOfWorkspaces(page.stream()
			.filter((w) -> w.status() == WorkspaceStatus.RESTORE_STARTED)
			.map((w) -> w.crn().toString())
			.toList());
		List<WorkspaceListing> listed = new ArrayList<>();
		for (Workspace w : page) {
			LastBackups last = latest.get(w.crn());
			BackupLine attempt = last == null ? null : last.lastAttempt();
			String attemptCrn = attempt == null ? null : attempt.backupCrn().toString();
			Event attemptProgress = attemptCrn == null ? null : progress.get(attemptCrn);
			Event restore = restores.get(w.crn().toString());
			listed.add(WorkspaceListing.of(WorkspaceView.of(w),
					BackupAttemptView.of(attempt, attemptCrn == null ? null : steps.get(attemptCrn),
							attemptProgress == null ? null : ProgressView.of(attemptProgress)),
					last == null ? null : BackupAttemptView.of(last.lastSuccess(), null, null),
					restore == null ? null : ProgressView.of(restore)));
		}
		Instant now = clock.instant();
		OverviewRepository.Summary s = overview.summary(r.environmentName(), now.minus(PROTECTED_WITHIN));
		int notificationsFailed = notifications.enabled()
				? notifications.outbox().failedSince(now.minus(NOTIFICATIONS_FAILED_WITHIN), r.environmentName()) : 0;
		return new WorkspacesPage(listed, new SummaryView(s.workspaces(), s.protectedRecently(), s.failing(),
				s.running(), s.neverBackedUp(), notificationsFailed, Views.time(now)), next);
	}

	BackupsPage listWorkspaceBackups(Workspace w, Requests.ListWorkspaceBackups r) {
		BackupFilter filter = new BackupFilter(w.crn(), null, statuses(r.backupStatus()),
				nameFilter(r.backupNameContains(), "backupNameContains"), verification(r.verificationStatus()));
		List<String> scope = Arrays.asList(w.crn().toString(), r.backupStatus(), filter.nameContains(),
				filter.verificationStatus());
		Page page = backups("listWorkspaceBackups", filter, scope, r.pageSize(), r.startingToken());
		return new BackupsPage(w.crn().toString(), page.backups(), page.nextToken());
	}

	AllBackupsPage listBackups(Requests.ListBackups r) {
		BackupFilter filter = new BackupFilter(null, r.environmentName(), statuses(r.backupStatus()),
				nameFilter(r.backupNameContains(), "backupNameContains"), verification(r.verificationStatus()));
		List<String> scope = Arrays.asList(r.environmentName(), r.backupStatus(), filter.nameContains(),
				filter.verificationStatus());
		Page page = backups("listBackups", filter, scope, r.pageSize(), r.startingToken());
		return new AllBackupsPage(page.backups(), page.nextToken());
	}

	private record Page(List<BackupListing> backups, String nextToken) {
	}

	private Page backups(String operation, BackupFilter filter, List<String> scope, Integer pageSize, String token) {
		int size = PageToken.pageSize(pageSize);
		List<String> after = PageToken.decode(token, operation, scope, 2);
		BackupKey key = null;
		if (after != null) {
			try {
				key = new BackupKey(Instant.parse(after.get(0)), Crn.parse(after.get(1)).toString());
			}
			catch (RuntimeException ex) {
				throw PageToken.refused(operation, "it is not one this runner gave");
			}
		}
		List<BackupLine> lines = overview.backups(filter, key, size + 1);
		String next = null;
		if (lines.size() > size) {
			lines = lines.subList(0, size);
			BackupLine last = lines.get(size - 1);
			next = PageToken.encode(operation, scope,
					List.of(last.createdAt().toString(), last.backupCrn().toString()));
		}
		Map<Crn, Verification> verifications = catalog
			.verifications(lines.stream().map(BackupLine::backupCrn).toList());
		return new Page(lines.stream()
			.map((b) -> BackupListing.of(b, verifications.getOrDefault(b.backupCrn(), Verification.NEVER)))
			.toList(), next);
	}

	/**
	 * A page of a workspace's events: the newest first page, older ones after it; the
	 * events of one page oldest first, as {@code listWorkspaceEvents} always answered.
	 * The older field {@code maxItems} (1 to 10,000) still sets the page size when
	 * {@code pageSize} is not given.
	 */
	EventsPage listWorkspaceEvents(Workspace w, String backupCrn, Requests.ListWorkspaceEvents r) {
		int size;
		if (r.pageSize() != null && r.maxItems() != null) {
			throw WsbackupException.invalid("give pageSize or maxItems, not both (maxItems is pageSize's older name)");
		}
		if (r.maxItems() != null) {
			if (r.maxItems() < 1 || r.maxItems() > 10_000) {
				throw WsbackupException.invalid("maxItems must be between 1 and 10000, not " + r.maxItems());
			}
			size = r.maxItems();
		}
		else {
			size = PageToken.pageSize(r.pageSize());
		}
		List<String> scope = Arrays.asList(w.crn().toString(), backupCrn);
		List<String> after = PageToken.decode(r.startingToken(), "listWorkspaceEvents", scope, 1);
		Long before = null;
		if (after != null) {
			try {
				before = Long.parseLong(after.get(0));
			}
			catch (NumberFormatException ex) {
				throw PageToken.refused("listWorkspaceEvents", "it is not one this runner gave");
			}
		}
		List<Event> newestFirst = new ArrayList<>(
				events.pageNewestFirst(w.crn().toString(), backupCrn, before, size + 1));
		String next = null;
		if (newestFirst.size() > size) {
			newestFirst = new ArrayList<>(newestFirst.subList(0, size));
			next = PageToken.encode("listWorkspaceEvents", scope,
					List.of(String.valueOf(newestFirst.get(size - 1).id())));
		}
		Collections.reverse(newestFirst);
		return new EventsPage(newestFirst.stream().map(EventView::of).toList(), next);
	}

	private static boolean isEnded(BackupStatus status) {
		return status == BackupStatus.SUCCEEDED || status == BackupStatus.FAILED || status == BackupStatus.CANCELLED;
	}

	private static List<BackupStatus> statuses(String backupStatus) {
		if (backupStatus == null || backupStatus.isBlank()) {
			return List.of();
		}
		try {
			return List.of(BackupStatus.of(backupStatus));
		}
		catch (IllegalArgumentException ex) {
			throw WsbackupException.invalid("backupStatus '" + backupStatus
					+ "' is not a backup status; the statuses are "
					+ Arrays.stream(BackupStatus.values()).map(BackupStatus::text).collect(Collectors.joining(", ")));
		}
	}

	private static String verification(String verificationStatus) {
		if (verificationStatus == null || verificationStatus.isBlank()) {
			return null;
		}
		try {
			return Verification.Status.of(verificationStatus).text();
		}
		catch (IllegalArgumentException ex) {
			throw WsbackupException.invalid(
					"verificationStatus '" + verificationStatus + "' is not a verification status; the statuses are "
							+ Arrays.stream(Verification.Status.values())
								.map(Verification.Status::text)
								.collect(Collectors.joining(", ")));
		}
	}

	private static String nameFilter(String text, String field) {
		if (text == null || text.isEmpty()) {
			return null;
		}
		if (text.length() > MAX_NAME_FILTER) {
			throw WsbackupException
				.invalid(field + " may have at most " + MAX_NAME_FILTER + " characters, not " + text.length());
		}
		return text;
	}

}
