// The wsbackup web console: plain ES modules, no build step. Every page is described from the REST API's answers
// (api.js) and patched in place (dom.js) every few seconds, every second while something runs: focus, typing and
// scroll survive a refresh. Each page is a fixed number of requests, whatever the number of workspaces or backups.
import { ApiError, batchJobs, call, clearToken, restoreSkeleton, setToken, token, whoami } from './api.js';
import { h, morph } from './dom.js';

const ACTIVE_REFRESH_MS = 1000;
const IDLE_REFRESH_MS = 10000;
const RETRY_MS = 5000;
const NOTICE_MS = 12000;
const PAGE_SIZE = 50;
const BUSY_BACKUP = new Set(['running', 'cancelling', 'deleting']);
const FINAL_BACKUP = new Set(['succeeded', 'failed', 'cancelled']);
const BACKUP_STATUSES = ['running', 'cancelling', 'succeeded', 'failed', 'cancelled', 'deleting'];
const VERIFICATION_STATUSES = ['verified', 'failed', 'never', 'verifying'];
// actions that change something: a viewer's console does not show them (console.css, body[data-role='viewer'])
const WRITE_ACTIONS = new Set(['backup', 'cancel', 'delete', 'restart', 'restore', 'verify', 'drill', 'pause', 'resume', 'trigger',
	'test']);
const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'];
// the events a target may want (wsbackup.notifications.targets.<name>.events), and the test every target gets
const NOTIFICATION_EVENTS = ['backup-succeeded', 'backup-failed', 'backup-cancelled', 'backup-timed-out',
	'backup-will-miss-timeout', 'restore-succeeded', 'restore-failed', 'delete-failed', 'verification-failed',
	'drill-failed', 'schedule-skipped', 'runner-took-over'];

const $ = (selector) => document.querySelector(selector);

/** h() that marks write actions for the viewer's CSS. */
function el(tag, attrs = {}, ...children) {
	const element = h(tag, attrs, ...children);
	if (WRITE_ACTIONS.has(attrs['data-action'])) {
		element.setAttribute('data-write', '');
	}
	return element;
}

// ---------------------------------------------------------------- formatting

function time(iso) {
	return iso ? iso.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC') : '—';
}

function age(iso, now = Date.now()) {
	if (!iso) {
		return '—';
	}
	const seconds = Math.round((now - Date.parse(iso)) / 1000);
	const text = span(Math.abs(seconds));
	return seconds < 0 ? `in ${text}` : `${text} ago`;
}

function span(s) {
	return s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min ${s % 60} s` : s < 86400
		? `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min` : `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

function seconds(n) {
	return n === null || n === undefined ? '—' : span(n);
}

function bytes(n) {
	if (n === undefined || n === null) {
		return '—';
	}
	const units = ['B', 'kB', 'MB', 'GB', 'TB'];
	let value = n;
	let unit = 0;
	while (value >= 1000 && unit < units.length - 1) {
		value /= 1000;
		unit++;
	}
	return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** A long text cut for a table cell; the whole of it is on the page it links to, and in the cell's title. */
function clip(text, max) {
	return text && text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function shortCrn(crn) {
	return crn ? h('span', { title: crn }, crn.slice(crn.lastIndexOf(':') + 1)) : '—';
}

/** A status in its colour: cancelled is its own outcome, neither a failure nor a success. */
function badge(status) {
	const s = String(status ?? '').toLowerCase();
	const kind = /succeeded|finished|completed|^active$|^delivered$/.test(s) ? 'ok'
		: /cancel/.test(s) ? 'cancelled'
			: /failed|missing|abandoned/.test(s) ? 'bad'
				: /stopp|paused|partial|skipped/.test(s) ? 'warn'
					: /running|start|deleting/.test(s) ? 'busy' : '';
	return h('span', { class: `badge ${kind}`, 'data-status': status }, status ?? '—');
}

/**
 * Whether a backup was proven restorable where it lies: never checked, being checked, verified (when), or what
 * failed. A failed verification is a failure: it is shown as one.
 */
function verificationView(b) {
	const status = b.verificationStatus ?? 'never';
	if (status === 'verified') {
		return [h('span', { class: 'badge ok', 'data-verification': status, title: time(b.lastVerifiedAt) }, 'verified'),
			h('div', { class: 'muted', 'data-verified-by': b.verifiedBy ?? '' },
				(b.verifiedBy === 'drill' ? 'by a restore drill · ' : '') + age(b.lastVerifiedAt)
				+ (b.verificationSeconds !== null && b.verificationSeconds !== undefined ? ` · took ${b.verificationSeconds} s` : ''))];
	}
	if (status === 'failed') {
		return [h('span', { class: 'badge bad', 'data-verification': status }, 'verification failed'),
			b.verificationFailure
				? h('div', { class: 'bad-text failure', title: b.verificationFailure }, clip(b.verificationFailure, 160))
				: null];
	}
	if (status === 'verifying') {
		return h('span', { class: 'badge busy', 'data-verification': status }, 'verifying');
	}
	return h('span', { class: 'muted', 'data-verification': status }, 'never');
}

/** The ETA as an operator reads it: never a time in the past. */
function eta(progress, now = Date.now()) {
	if (!progress?.expectedCompletion) {
		return '';
	}
	const at = Date.parse(progress.expectedCompletion);
	return at <= now ? ' · ETA any moment now' : ` · ETA ${time(progress.expectedCompletion).slice(11)} (${age(progress.expectedCompletion, now)})`;
}

function progressView(step, progress, label) {
	const percent = progress?.percentDone;
	const known = percent !== undefined && percent !== null;
	const text = progress ? `${known ? percent : '—'} % · ${bytes(progress.bytesTransferred)}${eta(progress)}`
		: 'no progress reported yet';
	return h('div', { class: 'progress' },
		h('div', { class: 'step' }, 'Current step: ', h('strong', { 'data-current-step': '' }, step ?? '—')),
		h('div', { class: 'bar', role: 'progressbar', 'aria-label': label, 'aria-valuemin': '0',
			'aria-valuemax': '100', 'aria-valuenow': known ? String(percent) : null, 'aria-valuetext': text },
		h('div', { style: `width: ${known ? Math.min(100, percent) : 0}%` })),
		h('div', { class: 'muted', 'data-progress-text': '' }, text));
}

function table(id, titles, rows, attrs = {}) {
	return h('div', { class: 'table-wrap' }, h('table', { id, ...attrs },
		h('thead', {}, h('tr', {}, titles.map((title) => h('th', { scope: 'col' }, title)))),
		h('tbody', {}, rows)));
}

function link(page, params, ...children) {
	return h('a', { href: href(page, params) }, ...children);
}

// ---------------------------------------------------------------- banners and the live region

let noticeTimer = null;
let keepNotice = false;
// the backup a notice speaks of ("started", "restarted", "cancel requested") and its status then: when a refresh sees
// it end, the notice says how it ended instead, so a "started" banner never sits above a failure
let noticeBackup = null;

/**
 * A notice: it clears by itself after a while, or at the next page change, unless sticky (restore warnings);
 * every notice can be dismissed.
 */
function showNotice(text, { sticky = false, kind = 'info', keep = false, backup = null } = {}) {
	noticeBackup = backup ? { ...backup, seenBusy: false } : null;
	const notice = $('#notice');
	notice.className = `notice ${kind}`;
	notice.replaceChildren(h('span', { 'data-notice': '' }, text),
		h('button', { type: 'button', class: 'link', onclick: hideNotice }, 'dismiss'));
	notice.hidden = false;
	notice.dataset.sticky = sticky ? 'yes' : '';
	keepNotice = keep;
	clearTimeout(noticeTimer);
	if (!sticky) {
		noticeTimer = setTimeout(hideNotice, NOTICE_MS);
	}
}

function hideNotice() {
	noticeBackup = null;
	clearTimeout(noticeTimer);
	$('#notice').hidden = true;
	$('#notice').dataset.sticky = '';
}

/** A refusal in the banner: an action's stays until dismissed, a page's until the page loads again. */
function showError(error, sticky = false) {
	const box = $('#error');
	box.replaceChildren(h('span', { 'data-error': '' }, describe(error)),
		h('button', { type: 'button', class: 'link', onclick: hideError }, 'dismiss'));
	box.dataset.sticky = sticky ? 'yes' : '';
	box.hidden = false;
}

function hideError() {
	$('#error').hidden = true;
	$('#error').dataset.sticky = '';
}

function describe(error) {
	return error instanceof ApiError ? error.text : `Error: ${error.message ?? error}`;
}

/** Tells a screen reader (the polite live region) what changed; the same text twice is said again. */
function announce(text) {
	const region = $('#announcer');
	region.textContent = '';
	setTimeout(() => { region.textContent = text; }, 50);
}

// what the running backups were at the last refresh: backup CRN → status and quarter done
const watched = new Map();

function watch(backup, workspaceName) {
	if (!backup?.backupCrn) {
		return;
	}
	if (backup.backupCrn === noticeBackup?.crn) {
		if (BUSY_BACKUP.has(backup.backupStatus)) {
			noticeBackup.seenBusy = true;
		}
		else if (noticeBackup.seenBusy || backup.backupStatus !== noticeBackup.from) {
			noticeOutcome(backup, workspaceName);
		}
	}
	const quarter = Math.floor((backup.progress?.percentDone ?? 0) / 25);
	const before = watched.get(backup.backupCrn);
	watched.set(backup.backupCrn, { status: backup.backupStatus, quarter });
	if (!before) {
		return;
	}
	const name = `Backup ${backup.backupName} of ${workspaceName}`;
	if (before.status !== backup.backupStatus) {
		announce(`${name} is ${backup.backupStatus}${backup.failureReason ? `: ${backup.failureReason}` : ''}`);
	}
	else if (BUSY_BACKUP.has(backup.backupStatus) && quarter > before.quarter) {
		announce(`${name}: ${backup.progress.percentDone} % done`);
	}
}

/** Replaces the notice about a backup by how it ended: a failure stays until dismissed. */
function noticeOutcome(b, workspaceName) {
	const name = `Backup “${b.backupName}” of ${workspaceName}`;
	const kept = b.sizeBytes ? ` Its completed recovery points (${bytes(b.sizeBytes)}) are kept for a restart.` : '';
	if (b.backupStatus === 'failed') {
		showNotice(`${name} failed${b.failureReason ? `: ${clip(b.failureReason, 300)}` : '.'}${kept}`,
			{ sticky: true, kind: 'warning' });
	}
	else if (b.backupStatus === 'cancelled') {
		showNotice(`${name} is cancelled; the workspace is back in service.${kept}`);
	}
	else if (b.backupStatus === 'succeeded') {
		showNotice(`${name} succeeded${b.sizeBytes ? ` (${bytes(b.sizeBytes)})` : ''}.`);
	}
	else {
		hideNotice();
	}
}

// ---------------------------------------------------------------- routing, refresh and the connection

let timer = null;
let generation = 0;
let connection = { up: true, since: null };

function route() {
	const hash = location.hash.replace(/^#\/?/, '') || 'workspaces';
	const [page, query = ''] = hash.split('?');
	return { page, params: new URLSearchParams(query) };
}

function href(page, params = {}) {
	const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v)).toString();
	return `#/${page}${query ? `?${query}` : ''}`;
}

function go(page, params = {}) {
	location.hash = href(page, params);
}

/** The same page with other filters: no new history entry, and a refresh at once. */
function refine(changes) {
	const { page, params } = route();
	for (const [k, v] of Object.entries(changes)) {
		if (v) {
			params.set(k, v);
		}
		else {
			params.delete(k);
		}
	}
	history.replaceState(null, '', href(page, Object.fromEntries(params)));
	refresh();
}

const PAGES = {
	workspaces: workspacesPage, workspace: workspacePage, catalog: catalogPage, events: eventsPage,
	backup: backupPage, jobs: jobsPage, schedules: schedulesPage, notifications: notificationsPage,
};
const NAV_OF = { backup: 'catalog', workspace: 'workspaces' };

async function refresh() {
	clearTimeout(timer);
	const mine = ++generation;
	if (!token()) {
		return;
	}
	const { page, params } = route();
	const draw = PAGES[page] ?? workspacesPage;
	for (const a of document.querySelectorAll('nav a')) {
		const current = a.dataset.page === (NAV_OF[page] ?? page);
		a.classList.toggle('current', current);
		if (current) {
			a.setAttribute('aria-current', 'page');
		}
		else {
			a.removeAttribute('aria-current');
		}
	}
	let next = IDLE_REFRESH_MS;
	try {
		const content = await draw(params);
		if (mine !== generation) {
			return;
		}
		connected(true);
		next = content.active ? ACTIVE_REFRESH_MS : IDLE_REFRESH_MS;
		const main = $('#page');
		if (main.dataset.page !== page) {
			main.replaceChildren();
		}
		morph(main, content.nodes);
		main.dataset.page = page;
		main.dataset.loaded = String(Date.now());
		main.removeAttribute('aria-busy');
		if (!$('#error').dataset.sticky) {
			$('#error').hidden = true;
		}
		$('#live').textContent = content.active ? '● live' : '';
	}
	catch (error) {
		if (mine !== generation) {
			return;
		}
		if (isDisconnection(error)) {
			connected(false, error);
			next = RETRY_MS;
		}
		else {
			connected(true);
			showError(error);
			$('#live').textContent = '';
		}
	}
	timer = setTimeout(refresh, next);
}

function isDisconnection(error) {
	return error instanceof ApiError && (error.code === 'UNAVAILABLE' || [502, 503, 504].includes(error.status));
}

/** Shows whether the runner answers: while it does not, the page keeps its last data, dimmed, and says so. */
function connected(up, error) {
	const box = $('#disconnected');
	if (up) {
		connection = { up: true, since: null };
		document.body.dataset.connection = 'up';
		box.hidden = true;
		return;
	}
	if (connection.up) {
		connection = { up: false, since: new Date().toISOString() };
		announce('The runner cannot be reached; the console retries every few seconds.');
	}
	document.body.dataset.connection = 'lost';
	$('#live').textContent = '○ disconnected';
	box.replaceChildren(h('strong', {}, 'Disconnected. '),
		`The runner has not answered since ${time(connection.since).slice(11)} (${describe(error)}). `
		+ `What is shown is from before; the console retries every ${RETRY_MS / 1000} s.`);
	box.hidden = false;
}

/** Runs an action; its refusal goes to the page's error banner (or a dialog's own box). */
async function act(action, errorBox) {
	try {
		await action();
		return true;
	}
	catch (error) {
		if (errorBox) {
			errorBox.textContent = describe(error);
			errorBox.hidden = false;
		}
		else {
			showError(error, true);
		}
		return false;
	}
}

// ---------------------------------------------------------------- paging and filters

/** The page size: the address's size=N (1 to 1000), else the console's default. */
function pageSize(params, fallback = PAGE_SIZE) {
	const n = Number(params.get('size'));
	return Number.isInteger(n) && n >= 1 && n <= 1000 ? n : fallback;
}

/** Next and first page links for a list answered with nextToken; the token rides in the page's address. */
function pager(params, nextToken, what) {
	const { page } = route();
	const here = Object.fromEntries(params);
	const first = { ...here };
	delete first.token;
	delete first.pageNo;
	const pageNo = Number(params.get('pageNo') ?? '1');
	if (!nextToken && pageNo === 1) {
		return null;
	}
	return h('nav', { class: 'pager', 'aria-label': `${what} pages` },
		pageNo > 1 ? h('a', { href: href(page, first), 'data-pager': 'first' }, '« First page') : null,
		h('span', { class: 'muted' }, `page ${pageNo}`),
		nextToken ? h('a', { href: href(page, { ...here, token: nextToken, pageNo: String(pageNo + 1) }),
			'data-pager': 'next' }, 'Next page »') : h('span', { class: 'muted' }, '(last)'));
}

let searchTimer = null;

function searchBox(id, label, value, param) {
	return h('label', { class: 'inline' }, label, ' ', h('input', {
		id, type: 'search', value: value ?? '', autocomplete: 'off', spellcheck: 'false', placeholder: 'part of a name',
		oninput: (event) => {
			clearTimeout(searchTimer);
			const text = event.target.value.trim();
			searchTimer = setTimeout(() => refine({ [param]: text, token: null, pageNo: null }), 300);
		},
	}));
}

// the workspace names for the pickers: one list, kept for a minute
let workspaceNames = { at: 0, list: [] };

async function workspaceChoices() {
	if (Date.now() - workspaceNames.at > 60000) {
		const { workspaces } = await call('listWorkspaces', { pageSize: 1000 });
		workspaceNames = { at: Date.now(), list: workspaces };
	}
	return workspaceNames.list;
}

// ---------------------------------------------------------------- pages

function summaryBar(summary) {
	const item = (key, n, label, kind) => h('div', { class: `figure ${n && kind ? kind : ''}`, 'data-summary': key },
		h('span', { class: 'n' }, String(n)), h('span', { class: 'label' }, label));
	return h('section', { class: 'summary', 'aria-label': 'Fleet summary', id: 'summary' },
		item('workspaces', summary.workspaces, 'workspaces'),
		item('protected', summary.protectedWithin26Hours, 'protected within 26 h', 'ok'),
		item('failing', summary.failing, 'last backup failed', 'bad'),
		item('running', summary.running, 'running now', 'busy'),
		item('never', summary.neverBackedUp, 'never backed up', 'warn'),
		// shown only when some notification was given up: then nobody was told of something
		summary.notificationsFailed > 0
			? h('a', { class: 'figure bad', 'data-summary': 'notifications-failed',
				href: href('notifications', { status: 'failed' }),
				title: 'notifications of the last 7 days that no receiver took: see the Notifications page' },
			h('span', { class: 'n' }, String(summary.notificationsFailed)),
			h('span', { class: 'label' }, 'notifications failed (7 days)')) : null);
}

function lastAttemptView(b) {
	if (!b) {
		return h('span', { class: 'muted' }, 'none');
	}
	return [badge(b.backupStatus), ' ', link('backup', { crn: b.backupCrn }, b.backupName),
		h('div', { class: 'muted' }, b.completedAt ? `ended ${age(b.completedAt)}` : `started ${age(b.createdAt)}`),
		b.backupStatus === 'failed' && b.failureReason
			? h('div', { class: 'bad-text failure', title: b.failureReason },
				link('backup', { crn: b.backupCrn }, clip(b.failureReason, 160))) : null];
}

async function workspacesPage(params) {
	const q = params.get('q') ?? '';
	const answer = await call('listWorkspaces', {
		pageSize: pageSize(params), ...(q ? { workspaceNameContains: q } : {}),
		...(params.get('token') ? { startingToken: params.get('token') } : {}),
	});
	const { workspaces, summary } = answer;
	const now = Date.now();
	const rows = workspaces.map((w) => {
		const last = w.lastSuccessfulBackup;
		const attempt = w.lastBackup;
		const ready = w.workspaceStatus === 'installation:finished';
		watch(attempt, w.workspaceName);
		return h('tr', { 'data-key': w.workspaceCrn, 'data-workspace': w.workspaceName,
			'data-last-attempt': attempt?.backupStatus ?? '' },
		h('td', {}, link('workspace', { crn: w.workspaceCrn }, h('strong', {}, w.workspaceName)),
			h('div', { class: 'muted' }, shortCrn(w.workspaceCrn))),
		h('td', {}, w.environmentName),
		h('td', { class: 'status' }, badge(w.workspaceStatus),
			w.workspaceStatus === 'restore:started' && w.restoreProgress
				? h('div', { class: 'muted' }, `restoring: ${w.restoreProgress.percentDone ?? '—'} %`) : null),
		h('td', { 'data-last-attempt-cell': '' }, lastAttemptView(attempt)),
		h('td', { 'data-last-backup': last?.backupName ?? '' },
			last ? [link('backup', { crn: last.backupCrn }, last.backupName),
				h('div', { class: 'muted' }, `${time(last.createdAt)} (${age(last.createdAt, now)})`)]
				: h('span', { class: 'muted' }, 'none')),
		h('td', { class: 'actions' },
			el('button', { type: 'button', 'data-action': 'backup', disabled: !ready,
				title: ready ? 'Back up this workspace' : 'a backup can start only in installation:finished',
				onclick: () => openBackupDialog(w) }, 'Backup'),
			h('a', { class: 'button secondary', 'data-action': 'events',
				href: href('events', { workspace: w.workspaceCrn }) }, 'Event log'),
			h('a', { class: 'button secondary', 'data-action': 'catalog',
				href: href('catalog', { workspace: w.workspaceCrn }) }, 'Backups')));
	});
	const running = workspaces.filter((w) => w.lastBackup && ['running', 'cancelling'].includes(w.lastBackup.backupStatus));
	const active = summary.running > 0 || workspaces.some((w) => w.workspaceStatus.endsWith(':started'));
	return {
		active,
		nodes: [
			h('h1', {}, 'Workspaces'),
			summaryBar(summary),
			h('div', { class: 'filters' }, searchBox('workspace-search', 'Search', q, 'q')),
			workspaces.length
				? table('workspaces', ['Name', 'Environment', 'Status', 'Last attempt', 'Last successful backup', 'Actions'], rows)
				: h('p', { class: 'muted', id: 'workspaces-empty' }, q ? `No workspace name contains “${q}”.`
					: 'No workspace is registered (./wsbackup register-workspace).'),
			pager(params, answer.nextToken, 'Workspace'),
			running.length ? h('h2', {}, 'Running backups') : null,
			running.map((w) => runningBackupCard(w.lastBackup, w)),
		],
	};
}

function runningBackupCard(backup, workspace) {
	return h('section', { class: 'card', 'data-key': `run-${backup.backupCrn}`, 'data-running-backup': backup.backupName,
		'aria-label': `Backup ${backup.backupName} of ${workspace.workspaceName}` },
	h('div', { class: 'card-head' },
		link('backup', { crn: backup.backupCrn }, h('strong', {}, backup.backupName)),
		` of ${workspace.workspaceName} `, badge(backup.backupStatus),
		h('span', { class: 'muted' }, ` started ${age(backup.createdAt)}`)),
	progressView(backup.currentStep, backup.progress, `Backup ${backup.backupName} progress`),
	h('div', { class: 'actions' },
		el('button', { type: 'button', class: 'danger', 'data-action': 'cancel',
			disabled: backup.backupStatus !== 'running', onclick: () => cancelBackup(backup, workspace.workspaceName) },
		backup.backupStatus === 'cancelling' ? 'Cancelling…' : 'Cancel'),
		h('a', { class: 'button secondary',
			href: href('events', { workspace: workspace.workspaceCrn, backup: backup.backupCrn }) }, 'Event log')));
}

async function workspacePage(params) {
	const crn = params.get('crn');
	const [{ workspace: w }, backupsAnswer, eventsAnswer] = await Promise.all([
		call('describeWorkspace', { workspaceCrn: crn }),
		call('listWorkspaceBackups', { workspaceCrn: crn, pageSize: 10 }),
		call('listWorkspaceEvents', { workspaceCrn: crn, pageSize: 20 })]);
	const restore = w.restore;
	// the backup it came from, by name (it may have been deleted since)
	const source = w.restoredFromBackupCrn
		? await call('describeWorkspaceBackup', { backupCrn: w.restoredFromBackupCrn }).then((a) => a.backup, () => null)
		: null;
	const storage = w.storage ?? {};
	const facts = [
		['Environment', w.environmentName], ['Status', badge(w.workspaceStatus)], ['CRN', h('span', { class: 'mono' }, w.workspaceCrn)],
		['Account, region', `${w.accountId}, ${w.region}`], ['Version', w.version], ['Registered', time(w.createdAt)],
		['Vault', h('span', { class: 'mono' }, w.vaultName)],
		['Volumes', storage.volumes?.length ? h('ul', { class: 'plain' }, storage.volumes.map((v) => h('li', { class: 'mono' }, v))) : 'none'],
		['Shared file system', storage.sharedFileSystem ? h('span', { class: 'mono' }, storage.sharedFileSystem) : 'none'],
		storage.externalNfs ? ['External NFS', 'mounted, not backed up'] : null,
		w.workloads?.namespaces?.length ? ['Namespaces', w.workloads.namespaces.join(', ')] : null,
		w.restoredFromBackupCrn ? ['Restored from', source
			? [link('backup', { crn: source.backupCrn }, `backup ${source.backupName}`), ` (${time(source.createdAt)})`]
			: [shortCrn(w.restoredFromBackupCrn), ' (deleted since)']] : null,
	].filter(Boolean);
	const busy = w.workspaceStatus.endsWith(':started') || backupsAnswer.backups.some((b) => BUSY_BACKUP.has(b.backupStatus));
	return {
		active: busy,
		nodes: [
			h('h1', {}, 'Workspace ', h('span', { id: 'workspace-title' }, w.workspaceName)),
			h('dl', { class: 'facts', id: 'workspace-facts' }, facts.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v ?? '—')])),
			restore ? h('section', { class: 'card', id: 'restore-card' },
				h('h2', {}, 'Restore ', badge(restore.jobStatus ?? '—')),
				w.workspaceStatus === 'restore:started' ? progressView(restore.currentStep, restore.progress, 'Restore progress') : null,
				restore.failureReason ? h('p', { class: 'bad-text' }, restore.failureReason) : null,
				restore.warnings?.length ? [h('h3', {}, 'Warnings'),
					h('ul', { id: 'restore-warnings' }, restore.warnings.map((text) => h('li', {}, text)))] : null,
				restore.modelBuildsToRebuild?.length ? [h('h3', {}, 'Model builds to rebuild'),
					h('ul', {}, restore.modelBuildsToRebuild.map((text) => h('li', { class: 'mono' }, text)))] : null)
				: null,
			h('div', { class: 'actions' },
				el('button', { type: 'button', 'data-action': 'backup', disabled: w.workspaceStatus !== 'installation:finished',
					onclick: () => openBackupDialog(w) }, 'Backup')),
			h('h2', {}, 'Last backups'),
			backupsAnswer.backups.length ? backupsTable('workspace-backups', backupsAnswer.backups, false)
				: h('p', { class: 'muted' }, 'No backups yet.'),
			h('p', {}, link('catalog', { workspace: crn }, 'All backups of this workspace »')),
			h('h2', {}, 'Latest events'),
			eventsTable(eventsAnswer.events),
			h('p', {}, link('events', { workspace: crn }, 'The whole event log »')),
		],
	};
}

function backupsTable(id, backups, withWorkspace) {
	const rows = backups.map((b) => h('tr', { 'data-key': b.backupCrn, 'data-backup': b.backupName,
		'data-workspace': b.workspaceName ?? '' },
	h('td', {}, link('backup', { crn: b.backupCrn }, b.backupName)),
	withWorkspace ? h('td', {}, link('workspace', { crn: b.workspaceCrn }, b.workspaceName)) : null,
	h('td', { class: 'status' }, badge(b.backupStatus),
		b.backupStatus === 'failed' && b.failureReason
			? h('div', { class: 'bad-text failure', title: b.failureReason }, clip(b.failureReason, 160)) : null),
	h('td', { class: 'nowrap' }, time(b.createdAt)),
	h('td', { class: 'nowrap', 'data-completed': b.completedAt ?? '' }, b.completedAt ? time(b.completedAt).slice(11) : '—'),
	h('td', { class: 'nowrap', 'data-duration': b.durationSeconds ?? '' }, seconds(b.durationSeconds)),
	h('td', { 'data-size': b.sizeBytes ?? '' }, bytes(b.sizeBytes),
		b.sizeBytes && b.backupStatus !== 'succeeded' ? h('div', { class: 'muted' }, 'kept for a restart') : null),
	h('td', { class: 'verification', 'data-verified': b.verificationStatus ?? 'never' },
		b.backupStatus === 'succeeded' ? verificationView(b) : '—'),
	h('td', { class: 'col-creator' }, shortCrn(b.creatorCrn)),
	h('td', { class: 'actions' }, backupActions(b, { workspaceCrn: b.workspaceCrn, workspaceName: b.workspaceName }))));
	return table(id, ['Name', withWorkspace ? 'Workspace' : null, 'Status', 'Created at', 'Completed', 'Duration', 'Size',
		'Verified', 'Creator', 'Actions'].filter(Boolean), rows, { class: 'backups' });
}

async function catalogPage(params) {
	const chosen = params.get('workspace');
	const status = params.get('status') ?? '';
	const q = params.get('q') ?? '';
	const verification = params.get('verification') ?? '';
	const filters = {
		pageSize: pageSize(params), ...(status ? { backupStatus: status } : {}), ...(q ? { backupNameContains: q } : {}),
		...(verification ? { verificationStatus: verification } : {}),
		...(params.get('token') ? { startingToken: params.get('token') } : {}),
	};
	const [choices, answer] = await Promise.all([workspaceChoices(),
		chosen ? call('listWorkspaceBackups', { workspaceCrn: chosen, ...filters }) : call('listBackups', filters)]);
	const named = choices.find((w) => w.workspaceCrn === chosen);
	const backups = answer.backups.map((b) => ({ ...b, workspaceName: b.workspaceName ?? named?.workspaceName }));
	for (const b of backups) {
		watch(b, b.workspaceName);
	}
	const picker = h('select', { id: 'catalog-workspace',
		onchange: (e) => refine({ workspace: e.target.value, token: null, pageNo: null }) },
	h('option', { value: '' }, 'All workspaces'),
	choices.map((w) => h('option', { value: w.workspaceCrn, selected: w.workspaceCrn === chosen },
		`${w.workspaceName} (${w.environmentName})`)));
	const statusPicker = h('select', { id: 'catalog-status',
		onchange: (e) => refine({ status: e.target.value, token: null, pageNo: null }) },
	h('option', { value: '' }, 'Any status'),
	BACKUP_STATUSES.map((s) => h('option', { value: s, selected: s === status }, s)));
	const verificationPicker = h('select', { id: 'catalog-verification',
		onchange: (e) => refine({ verification: e.target.value, token: null, pageNo: null }) },
	h('option', { value: '' }, 'Verified or not'),
	VERIFICATION_STATUSES.map((s) => h('option', { value: s, selected: s === verification }, s)));
	return {
		active: backups.some((b) => BUSY_BACKUP.has(b.backupStatus) || b.verificationStatus === 'verifying'),
		nodes: [
			h('h1', {}, 'Backup Catalog'),
			h('div', { class: 'filters' }, h('label', { class: 'inline' }, 'Workspace ', picker),
				h('label', { class: 'inline' }, 'Status ', statusPicker),
				h('label', { class: 'inline' }, 'Verification ', verificationPicker), searchBox('catalog-search', 'Search', q, 'q')),
			backups.length ? backupsTable('catalog', backups, true)
				: h('p', { class: 'muted', id: 'catalog-empty' }, status || q || verification ? 'No backup matches.' : 'No backups.'),
			pager(params, answer.nextToken, 'Backup'),
		],
	};
}

function backupActions(b, workspace) {
	return [
		b.backupStatus === 'succeeded'
			? el('button', { type: 'button', 'data-action': 'restore', onclick: () => openRestoreDialog(b, workspace) },
				'Restore')
			: null,
		b.backupStatus === 'succeeded' && b.verificationStatus !== 'verifying'
			? el('button', { type: 'button', 'data-action': 'verify', onclick: () => verifyBackup(b) }, 'Verify')
			: null,
		b.backupStatus === 'succeeded' && b.verificationStatus !== 'verifying'
			? el('button', { type: 'button', 'data-action': 'drill', onclick: () => drillBackup(b),
				title: 'Restore it into a scratch workspace, check the restored data, then remove the scratch workspace' },
			'Drill')
			: null,
		b.backupStatus === 'running'
			? el('button', { type: 'button', class: 'danger', 'data-action': 'cancel',
				onclick: () => cancelBackup(b, workspace.workspaceName) }, 'Cancel')
			: null,
		(b.backupStatus === 'failed' || b.backupStatus === 'cancelled') && b.jobExecutionId
			? el('button', { type: 'button', 'data-action': 'restart', onclick: () => restartBackup(b) }, 'Restart')
			: null,
		FINAL_BACKUP.has(b.backupStatus)
			? el('button', { type: 'button', class: 'danger', 'data-action': 'delete',
				onclick: () => openDeleteDialog(b, workspace) }, 'Delete')
			: null,
		h('a', { class: 'button secondary', 'data-action': 'events',
			href: href('events', { workspace: workspace.workspaceCrn, backup: b.backupCrn }) }, 'Event log'),
	];
}

async function backupPage(params) {
	const crn = params.get('crn');
	const { backup: b } = await call('describeWorkspaceBackup', { backupCrn: crn });
	const [{ workspace }, { events }] = await Promise.all([call('describeWorkspace', { workspaceCrn: b.workspaceCrn }),
		call('listWorkspaceEvents', { workspaceCrn: b.workspaceCrn, backupCrn: crn, pageSize: 100 })]);
	watch(b, workspace.workspaceName);
	const size = b.recoveryPoints.reduce((sum, rp) => sum + (rp.sizeBytes ?? 0), 0);
	const facts = [
		['Workspace', link('workspace', { crn: workspace.workspaceCrn }, `${workspace.workspaceName} (${workspace.environmentName})`)],
		['Status', badge(b.backupStatus)],
		['Created at', time(b.createdAt)], ['Creator', b.creatorCrn], ['Version at backup', b.workspaceVersionAtBackup],
		['Vault', b.vaultName], ['Timeout', `${b.backupJobTimeoutMinutes} min`], ['Job', b.jobStatus ?? (b.queuedAt ? 'queued' : '—')],
		b.queuedAt ? ['Queued', h('span', { id: 'queued-since' }, `since ${time(b.queuedAt)}: it waits for a runner with room; `
			+ 'its job and its timeout begin when one takes it. Cancel ends it at once.')] : null,
		['Size', b.recoveryPoints.length ? bytes(size) : '—'],
		b.backupStatus === 'cancelled' ? ['Cancelled', h('span', { class: 'cancelled-text' },
			'by request; the workspace was put back as it was. Restart runs it again.')] : null,
		b.failureReason ? ['Failure', h('span', { class: 'bad-text' }, b.failureReason)] : null,
		b.backupStatus === 'succeeded' ? ['Verification', verificationView(b)] : null,
		b.warnings?.length ? ['Warnings', h('ul', {}, b.warnings.map((w) => h('li', {}, w)))] : null,
	].filter(Boolean);
	return {
		active: BUSY_BACKUP.has(b.backupStatus) || b.verificationStatus === 'verifying',
		nodes: [
			h('h1', {}, 'Backup ', h('span', { id: 'backup-title' }, b.backupName)),
			h('dl', { class: 'facts' }, facts.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v ?? '—')])),
			BUSY_BACKUP.has(b.backupStatus) && !b.queuedAt ? progressView(b.currentStep, b.progress, `Backup ${b.backupName} progress`) : null,
			h('div', { class: 'actions' }, backupActions(b, workspace)),
			b.recoveryPoints.length ? [h('h2', {}, 'Recovery points'),
				b.backupStatus !== 'succeeded' ? h('p', { class: 'hint', id: 'kept-recovery-points' },
					'What the completed snapshots left in the vault: kept for a restart, which reuses them; deleting the backup removes them.') : null,
				table('recovery-points', ['Kind', 'Resource', 'Recovery point', 'Size', 'Recorded'],
					b.recoveryPoints.map((rp) => h('tr', { 'data-key': rp.recoveryPointId }, h('td', {}, rp.resourceKind),
						h('td', { class: 'mono' }, rp.resourceId), h('td', { class: 'mono' }, rp.recoveryPointId),
						h('td', {}, bytes(rp.sizeBytes)), h('td', {}, time(rp.createdAt)))))] : null,
			h('h2', {}, 'Event log'),
			eventsTable(events),
		],
	};
}

async function eventsPage(params) {
	const workspaces = await workspaceChoices();
	const crn = params.get('workspace') ?? workspaces[0]?.workspaceCrn;
	const backupCrn = params.get('backup');
	if (!crn) {
		return { active: false, nodes: [h('h1', {}, 'Event Logs'), h('p', { class: 'muted' }, 'No workspace.')] };
	}
	const [{ workspace }, { backups }, answer] = await Promise.all([call('describeWorkspace', { workspaceCrn: crn }),
		call('listWorkspaceBackups', { workspaceCrn: crn, pageSize: 100 }),
		call('listWorkspaceEvents', { workspaceCrn: crn, pageSize: pageSize(params, 100), ...(backupCrn ? { backupCrn } : {}),
			...(params.get('token') ? { startingToken: params.get('token') } : {}) })]);
	const wsPicker = h('select', { id: 'events-workspace', onchange: (e) => go('events', { workspace: e.target.value }) },
		workspaces.map((w) => h('option', { value: w.workspaceCrn, selected: w.workspaceCrn === crn },
			`${w.workspaceName} (${w.environmentName})`)));
	const backupPicker = h('select', { id: 'events-backup',
		onchange: (e) => go('events', { workspace: crn, backup: e.target.value }) },
	h('option', { value: '' }, 'Everything of the workspace'),
	backups.map((b) => h('option', { value: b.backupCrn, selected: b.backupCrn === backupCrn },
		`backup ${b.backupName} (${b.backupStatus})`)));
	return {
		active: !params.get('token') && (workspace.workspaceStatus.endsWith(':started')
			|| backups.some((b) => BUSY_BACKUP.has(b.backupStatus))),
		nodes: [
			h('h1', {}, 'Event Logs'),
			h('div', { class: 'filters' }, h('label', { class: 'inline' }, 'Workspace ', wsPicker),
				h('label', { class: 'inline' }, 'Backup ', backupPicker)),
			eventsTable(answer.events),
			pager(params, answer.nextToken, 'Event'),
		],
	};
}

function eventsTable(events) {
	if (!events.length) {
		return h('p', { class: 'muted' }, 'No events yet.');
	}
	return table('events', ['Time', 'Step', 'Level', 'Message', 'Progress'],
		[...events].reverse().map((e) => h('tr', { 'data-key': String(e.id), class: `level-${(e.level ?? '').toLowerCase()}` },
			h('td', { class: 'nowrap' }, time(e.occurredAt)),
			h('td', {}, e.step ?? ''),
			h('td', {}, e.level ?? ''),
			h('td', { class: 'message' }, e.message ?? ''),
			h('td', { class: 'nowrap' }, e.percentDone !== null && e.percentDone !== undefined
				? `${e.percentDone} % · ${bytes(e.bytesTransferred)}${e.expectedCompletion
					? ` · ETA ${time(e.expectedCompletion).slice(11)}` : ''}` : ''))), { class: 'events' });
}

/** What a job execution worked on, in words, from the names the endpoint gives with it. */
function subject(e) {
	const p = e.parameters ?? {};
	const backup = e.backupName;
	const workspace = e.workspaceName;
	const backupLink = (text) => (p.backupCrn ? link('backup', { crn: p.backupCrn }, text) : text);
	if (e.jobName === 'drillBackup') {
		// its workspaceCrn is the scratch workspace, removed when the drill ends
		return { name: backup ?? '', nodes: ['restore drill of backup ',
			backup ? backupLink(backup) : h('span', { class: 'muted' }, '(deleted backup)'),
			workspace ? [' into scratch workspace ', workspace] : ''] };
	}
	if (e.jobName === 'backupWorkspace' || e.jobName === 'deleteBackup' || e.jobName === 'verifyBackup') {
		const what = { deleteBackup: 'delete of backup ', verifyBackup: 'verification of backup ' }[e.jobName] ?? 'backup ';
		return {
			name: backup ?? '',
			nodes: [what,
				backup ? backupLink(backup) : h('span', { class: 'muted' }, '(deleted backup)'),
				workspace ? [' of ', p.workspaceCrn ? link('workspace', { crn: p.workspaceCrn }, workspace) : workspace] : ''],
		};
	}
	if (e.jobName === 'restoreWorkspace') {
		return {
			name: workspace ?? '',
			nodes: ['restore into ', workspace ? link('workspace', { crn: p.workspaceCrn }, workspace) : shortCrn(p.workspaceCrn),
				backup ? [' from ', backupLink(backup)] : ''],
		};
	}
	if (e.jobName === 'enforceRetention') {
		return { name: p.schedule ?? '', nodes: ['retention of schedule ', p.schedule ?? '',
			workspace ? [' for ', link('workspace', { crn: p.workspaceCrn }, workspace)] : ''] };
	}
	return { name: '', nodes: Object.entries(p).map(([k, v]) => h('div', { class: 'mono' }, `${k}=${v}`)) };
}

function duration(startIso, endIso) {
	if (!startIso) {
		return '—';
	}
	return span(Math.max(0, Math.round(((endIso ? Date.parse(endIso) : Date.now()) - Date.parse(startIso)) / 1000)));
}

async function jobsPage() {
	const executions = await batchJobs();
	// executions are newest first: the first one seen of an instance is its latest
	const latest = new Map();
	for (const e of executions) {
		if (!latest.has(e.jobInstanceId)) {
			latest.set(e.jobInstanceId, e);
		}
	}
	const rows = executions.map((e) => {
		const of = subject(e);
		const newer = latest.get(e.jobInstanceId);
		const outcome = e.outcome ?? e.status.toLowerCase();
		const restartable = (e.status === 'FAILED' || e.status === 'STOPPED') && newer === e;
		return h('tr', { 'data-key': String(e.executionId), 'data-execution': e.executionId, 'data-job': e.jobName,
			'data-subject': of.name, 'data-status': e.status, 'data-outcome': outcome },
		h('td', {}, h('div', {}, of.nodes), h('div', { class: 'muted' }, `${e.jobName} · execution #${e.executionId}`)),
		h('td', { class: 'status' }, badge(outcome)),
		h('td', { 'data-step': e.failedStep ?? e.currentStep ?? '' },
			e.failedStep
				? [h('div', {}, outcome === 'failed' ? 'failed in ' : `${outcome} in `,
					h('strong', { 'data-failed-step': '' }, e.failedStep)),
					e.failure && outcome !== 'cancelled'
						? h('div', { class: 'bad-text failure', title: e.failure }, clip(e.failure, 200)) : null]
				: e.currentStep ? ['running ', h('strong', { 'data-current-step': '' }, e.currentStep)]
					: e.failure ? h('div', { class: 'bad-text failure' }, e.failure) : h('span', { class: 'muted' }, '—')),
		h('td', { class: 'nowrap' }, time(e.startTime), h('div', { class: 'muted' }, age(e.startTime))),
		h('td', { class: 'nowrap' }, duration(e.startTime, e.endTime)),
		h('td', { class: 'actions' },
			restartable
				? el('button', { type: 'button', 'data-action': 'restart', onclick: () => restartExecution(e, of) },
					'Restart')
				: null,
			(e.status === 'FAILED' || e.status === 'STOPPED') && !restartable
				? h('span', { class: 'muted' }, `restarted as #${newer.executionId}`) : null));
	});
	return {
		active: executions.some((e) => e.outcome === 'running'),
		nodes: [
			h('h1', {}, 'Jobs'),
			h('p', { class: 'hint' }, 'The recent executions of the runner\'s batch jobs, newest first'
				+ ' (GET actuator/batchjobs). Restart runs a failed or cancelled one again from the step where it ended.'),
			executions.length ? table('jobs', ['What', 'Outcome', 'Step', 'Started', 'Duration', 'Actions'], rows)
				: h('p', { class: 'muted', id: 'jobs-empty' }, 'No job has run yet.'),
		],
	};
}

function lastRunView(run) {
	if (!run) {
		return h('span', { class: 'muted' }, 'never');
	}
	const counts = Object.entries(run.workspaces ?? {}).filter(([, n]) => n).map(([outcome, n]) => `${n} ${outcome}`);
	return [
		badge(run.outcome), ' ', h('span', { class: 'muted' }, run.kind === 'manual' ? 'run now' : run.kind ?? ''),
		h('div', { class: 'muted' }, time(run.startedAt ?? run.fireTime), ` (${age(run.startedAt ?? run.fireTime)})`),
		counts.length ? h('div', { class: 'muted' }, `workspaces: ${counts.join(', ')}`) : null,
		run.message ? h('div', { class: 'muted' }, run.message) : null,
	];
}

async function schedulesPage() {
	const { schedules } = await call('listSchedules');
	const rows = schedules.map((s) => h('tr', { 'data-key': s.name, 'data-schedule': s.name, 'data-state': s.state },
		h('td', {}, h('strong', {}, s.name),
			h('div', { class: 'muted mono', title: `from ${s.source ?? '?'}` }, `${s.cron} ${s.timeZone}`)),
		h('td', { 'data-kind': s.kind }, s.kind === 'drill'
			? [s.kind, h('div', { class: 'muted' }, 'restores the newest succeeded backup into a scratch workspace, '
				+ 'verifies it, removes it')]
			: s.kind),
		h('td', {}, s.workspaces),
		h('td', { class: 'mono' }, s.kind === 'drill' ? h('span', { class: 'muted' }, '—') : s.backupName,
			s.kind !== 'drill' && (s.keepLast || s.maxAge) ? h('div', { class: 'muted' }, 'keep ', [s.keepLast ? `last ${s.keepLast}` : null,
				s.maxAge ? `at most ${s.maxAge}` : null].filter(Boolean).join(', ')) : null),
		h('td', { class: 'status' }, badge(s.state)),
		h('td', { class: 'nowrap', 'data-next-fire': s.nextFireTime ?? '' },
			s.nextFireTime ? [time(s.nextFireTime), h('div', { class: 'muted' }, age(s.nextFireTime))]
				: h('span', { class: 'muted' }, s.state === 'paused' ? 'paused' : '—')),
		h('td', { 'data-last-run': s.lastRun?.outcome ?? '' }, lastRunView(s.lastRun)),
		h('td', { class: 'actions' },
			s.state === 'paused'
				? el('button', { type: 'button', 'data-action': 'resume', onclick: () => scheduleAction('resumeSchedule', s) },
					'Resume')
				: el('button', { type: 'button', class: 'secondary', 'data-action': 'pause', disabled: s.state !== 'active',
					onclick: () => scheduleAction('pauseSchedule', s) }, 'Pause'),
			el('button', { type: 'button', 'data-action': 'trigger', onclick: () => runScheduleNow(s) }, 'Run now'))));
	return {
		active: schedules.some((s) => s.lastRun?.outcome === 'running'),
		nodes: [
			h('h1', {}, 'Schedules'),
			h('p', { class: 'hint' }, 'From the YAML files of the runner\'s schedules directory. Pause and Resume last '
				+ 'until the schedule\'s file changes; Run now starts a run at once, paused or not.'),
			schedules.length ? table('schedules', ['Name', 'Kind', 'Workspaces', 'Backup name', 'State', 'Next fire time',
				'Last run', 'Actions'], rows)
				: h('p', { class: 'muted', id: 'schedules-empty' }, 'No schedules: the runner\'s schedules directory '
					+ '(--wsbackup.schedules-dir) has no schedule files.'),
		],
	};
}

// the targets a test is being sent to now: their button waits for the answer
const testing = new Set();

/** What a target wants: every event, or the ones it names; a schedule's own target only hears of its schedules. */
function wantedEvents(t) {
	const all = NOTIFICATION_EVENTS.every((e) => t.events.includes(e));
	return [
		all ? h('span', { title: t.events.join(', ') }, 'every event')
			: h('ul', { class: 'plain' }, t.events.map((e) => h('li', { class: 'mono' }, e))),
		t.schedules?.length ? h('div', { class: 'muted' }, `only of schedule${t.schedules.length > 1 ? 's' : ''} `,
			t.schedules.join(', ')) : null,
	];
}

function targetsTable(targets) {
	const rows = targets.map((t) => h('tr', { 'data-key': t.name, 'data-target': t.name },
		h('td', {}, h('strong', {}, t.name)),
		h('td', { class: 'mono', 'data-origin': '', title: 'only the origin: a webhook\'s path may be its secret' },
			t.origin),
		h('td', {}, t.format === 'slack' ? 'Slack' : 'CloudEvents 1.0'),
		h('td', { 'data-events': t.events.length }, wantedEvents(t)),
		h('td', { 'data-signed': String(t.signed) }, t.signed ? [h('span', { class: 'badge ok' }, 'signed'),
			h('div', { class: 'muted' }, 'HMAC-SHA256')] : h('span', { class: 'muted' }, 'not signed')),
		h('td', { class: 'actions' },
			el('button', { type: 'button', class: 'secondary', 'data-action': 'test', disabled: testing.has(t.name),
				title: `Send a test event to ${t.name} now`, onclick: () => sendTest(t) },
			testing.has(t.name) ? 'Sending…' : 'Send test'))));
	return table('notification-targets', ['Target', 'Receiver', 'Format', 'Events', 'Signature', 'Actions'], rows);
}

/** A delivery's status: delivered when, pending until when (or being sent), failed for good. */
function deliveryStatusView(n, now) {
	if (n.status === 'delivered') {
		return [badge('delivered'), h('div', { class: 'muted', title: time(n.deliveredAt) },
			n.lastResponseStatus ? `HTTP ${n.lastResponseStatus} · ` : '', age(n.deliveredAt, now))];
	}
	if (n.status === 'failed') {
		return [badge('failed'), h('div', { class: 'bad-text muted', title: time(n.lastAttemptAt) }, 'given up',
			n.lastAttemptAt ? ` ${age(n.lastAttemptAt, now)}` : '')];
	}
	const next = n.nextAttemptAt && Date.parse(n.nextAttemptAt) > now;
	return [h('span', { class: 'badge busy', 'data-status': 'pending' }, 'pending'),
		h('div', { class: 'muted', title: time(n.nextAttemptAt) }, next ? `next attempt ${age(n.nextAttemptAt, now)}`
			: 'being sent')];
}

/** Where a notification leads: its workspace, and the backup it tells of. */
function aboutView(n, names) {
	const workspace = n.workspaceCrn ? names.get(n.workspaceCrn) : null;
	const backup = n.subjectCrn && n.subjectCrn.includes(':workspace_backup:');
	return n.workspaceCrn || backup ? h('div', { class: 'muted' },
		n.workspaceCrn ? ['workspace ', link('workspace', { crn: n.workspaceCrn }, workspace ?? shortCrn(n.workspaceCrn))] : null,
		n.workspaceCrn && backup ? ' · ' : null,
		backup ? link('backup', { crn: n.subjectCrn }, 'the backup') : null) : null;
}

function deliveriesTable(notifications, names, now) {
	const rows = notifications.map((n) => h('tr', { 'data-key': n.notificationId, 'data-notification': n.notificationId,
		'data-event': n.event, 'data-target': n.target, 'data-status': n.status,
		class: n.status === 'failed' ? 'delivery-failed' : null },
	h('td', { class: 'nowrap' }, time(n.createdAt), h('div', { class: 'muted' }, age(n.createdAt, now))),
	h('td', {}, h('span', { class: 'mono nowrap' }, n.event), h('div', { class: 'muted event-type',
		title: `CloudEvent id ${n.eventId}` }, n.eventType ?? '')),
	h('td', {}, n.target),
	h('td', { class: 'status' }, deliveryStatusView(n, now)),
	h('td', { 'data-attempts': n.attempts }, String(n.attempts)),
	h('td', { class: 'last-error', 'data-last-error': n.lastError ?? '' }, n.lastError
		? h('div', { class: `${n.status === 'failed' ? 'bad-text' : 'warn-text'} failure`, title: n.lastError },
			clip(n.lastError, 160))
		: h('span', { class: 'muted' }, '—')),
	h('td', { class: 'message' }, n.message ?? '', aboutView(n, names))));
	return table('notifications', ['Time', 'Event', 'Target', 'Status', 'Attempts', 'Last error', 'Message'], rows,
		{ class: 'deliveries' });
}

function deliveryFigures(counts, status) {
	const item = (key, label, kind) => {
		const n = counts?.[key] ?? 0;
		return h('a', { class: `figure ${n && kind ? kind : ''}${status === key ? ' chosen' : ''}`, 'data-summary': key,
			href: href('notifications', status === key ? {} : { status: key }),
			title: status === key ? 'Show every status' : `Show only the ${key} ones` },
		h('span', { class: 'n' }, String(n)), h('span', { class: 'label' }, label));
	};
	return h('section', { class: 'summary', 'aria-label': 'Deliveries by status', id: 'notification-summary' },
		item('pending', 'pending (due or retrying)', 'busy'), item('delivered', 'delivered', 'ok'),
		item('failed', 'failed for good', 'bad'));
}

async function notificationsPage(params) {
	const status = params.get('status') ?? '';
	const event = params.get('event') ?? '';
	const target = params.get('target') ?? '';
	const [choices, answer] = await Promise.all([workspaceChoices(), call('listNotifications', {
		pageSize: pageSize(params), ...(status ? { status } : {}), ...(event ? { event } : {}), ...(target ? { target } : {}),
		...(params.get('token') ? { startingToken: params.get('token') } : {}),
	})]);
	const { notifications, targets, counts } = answer;
	const names = new Map(choices.map((w) => [w.workspaceCrn, w.workspaceName]));
	const now = Date.now();
	const picker = (id, param, value, any, values) => h('select', { id,
		onchange: (e) => refine({ [param]: e.target.value, token: null, pageNo: null }) },
	h('option', { value: '' }, any), values.map((v) => h('option', { value: v, selected: v === value }, v)));
	const soon = notifications.some((n) => n.status === 'pending'
		&& (!n.nextAttemptAt || Date.parse(n.nextAttemptAt) - now < 30000));
	return {
		active: testing.size > 0 || (!params.get('token') && soon),
		nodes: [
			h('h1', {}, 'Notifications'),
			h('p', { class: 'hint' }, 'Signed webhooks to the targets of wsbackup.notifications.targets: each outcome is '
				+ 'written with the change it tells of and sent by any live runner, retried with back-off until its retry '
				+ 'period ends, then marked failed (docs/notifications.md).'),
			h('h2', {}, 'Targets'),
			targets.length ? targetsTable(targets)
				: h('p', { class: 'muted', id: 'notification-targets-empty' }, 'No target is configured: nothing is sent '
					+ '(wsbackup.notifications.targets, see docs/notifications.md).'),
			h('h2', {}, 'Deliveries'),
			deliveryFigures(counts, status),
			h('div', { class: 'filters' },
				h('label', { class: 'inline' }, 'Status ', picker('notifications-status', 'status', status, 'Any status',
					DELIVERY_STATUSES)),
				h('label', { class: 'inline' }, 'Event ', picker('notifications-event', 'event', event, 'Any event',
					[...NOTIFICATION_EVENTS, 'test'])),
				h('label', { class: 'inline' }, 'Target ', picker('notifications-target', 'target', target, 'Any target',
					targets.map((t) => t.name)))),
			notifications.length ? deliveriesTable(notifications, names, now)
				: h('p', { class: 'muted', id: 'notifications-empty' }, status || event || target
					? 'No delivery matches.' : 'Nothing was sent yet.'),
			pager(params, answer.nextToken, 'Delivery'),
		],
	};
}

// ---------------------------------------------------------------- actions and dialogs

let confirmed = null;

/** Asks before an action that cannot be taken back; resolves to whether the operator confirmed. */
function confirmAction(title, question, button) {
	$('#confirm-title').textContent = title;
	$('#confirm-question').textContent = question;
	$('#confirm-submit').textContent = button;
	$('#confirm-dialog').showModal();
	$('#confirm-cancel').focus();
	return new Promise((resolve) => { confirmed = resolve; });
}

function settleConfirm(answer) {
	if (confirmed) {
		const resolve = confirmed;
		confirmed = null;
		resolve(answer);
	}
}

async function restartExecution(execution, of) {
	let restarted;
	if (await act(async () => { restarted = await batchJobs('restart', { executionId: execution.executionId }); })) {
		showNotice(`Job execution #${execution.executionId} (${execution.jobName}${of.name ? ` ${of.name}` : ''}) `
			+ `restarted as #${restarted.executionId}.`);
	}
	refresh();
}

async function restartBackup(backup) {
	let restarted;
	if (await act(async () => { restarted = await batchJobs('restart', { executionId: backup.jobExecutionId }); })) {
		showNotice(`Backup “${backup.backupName}” restarted (job execution #${restarted.executionId}): it resumes where it `
			+ 'ended, reusing the recovery points it keeps.',
		{ backup: { crn: backup.backupCrn, from: backup.backupStatus } });
	}
	refresh();
}

async function verifyBackup(backup) {
	let started;
	if (await act(async () => { started = await call('verifyBackup', { backupCrn: backup.backupCrn }); })) {
		showNotice(`Verification of backup “${backup.backupName}” started (job execution #${started.workflowId}): every `
			+ 'recovery point is checked where it lies; the Verified column says how it ended.');
	}
	refresh();
}

async function drillBackup(backup) {
	let started;
	if (await act(async () => { started = await call('drillBackup', { backupCrn: backup.backupCrn }); })) {
		showNotice(`Restore drill of backup “${backup.backupName}” started (job execution #${started.workflowId}): it is `
			+ 'restored into a scratch workspace, checked there, and the scratch workspace removed; the Verified column '
			+ 'says how it ended.');
	}
	refresh();
}

async function scheduleAction(operation, schedule) {
	let answer;
	if (await act(async () => { answer = await call(operation, { schedule: schedule.name }); })) {
		showNotice(`Schedule ${schedule.name} is ${answer.schedule.state}.`);
	}
	refresh();
}

async function runScheduleNow(schedule) {
	const drill = schedule.kind === 'drill';
	const when = schedule.state === 'paused' ? 'although it is paused' : 'besides its next run';
	if (!await confirmAction(`Run schedule ${schedule.name} now?`, drill
		? `This drills the newest succeeded backup of every workspace the schedule selects (${schedule.workspaces}) `
			+ `now, ${when}: each is restored into a scratch workspace, verified there and removed; the workspaces `
			+ 'themselves are not touched.'
		: `This backs up every workspace the schedule selects (${schedule.workspaces}) now, ${when}: `
			+ 'each is stopped while its storage is snapshotted.', 'Run now')) {
		return;
	}
	let answer;
	if (await act(async () => { answer = await call('triggerSchedule', { schedule: schedule.name }); })) {
		showNotice(`Schedule ${schedule.name} runs now (run ${answer.runId}); `
			+ (drill ? 'its drills appear in the workspaces\' events, their outcome as the backups\' verification.'
				: 'its backups appear in the catalog.'));
	}
	refresh();
}

async function sendTest(target) {
	testing.add(target.name);
	refresh();
	let answer;
	const sent = await act(async () => { answer = await call('sendTestNotification', { target: target.name }); });
	testing.delete(target.name);
	if (sent) {
		const n = answer.notification;
		if (n.status === 'delivered') {
			showNotice(`Test notification delivered to ${target.name} (${target.origin}`
				+ `${n.lastResponseStatus ? `, HTTP ${n.lastResponseStatus}` : ''}).`);
		}
		else {
			showNotice(`Test notification to ${target.name} (${target.origin}) was not delivered`
				+ `${n.lastError ? `: ${clip(n.lastError, 300)}` : ''}. It is ${n.status}`
				+ `${n.status === 'pending' ? ', retried like any notification' : ''}.`, { sticky: true, kind: 'warning' });
		}
	}
	refresh();
}

async function cancelBackup(backup, workspaceName) {
	if (!await confirmAction(`Cancel backup ${backup.backupName}?`, `Backup “${backup.backupName}” of ${workspaceName}`
		+ ' stops: its running snapshots are stopped and the workspace is started again. The completed snapshots are'
		+ ' kept; Restart runs the backup again later.', 'Cancel the backup')) {
		return;
	}
	if (await act(() => call('cancelBackup', { backupCrn: backup.backupCrn }))) {
		showNotice(`Cancel requested for backup “${backup.backupName}”: its snapshots are stopped and the workspace put back.`,
			{ backup: { crn: backup.backupCrn, from: 'running' } });
	}
	refresh();
}

let backupTarget = null;

function openBackupDialog(workspace) {
	backupTarget = workspace;
	$('#backup-workspace').textContent = workspace.workspaceName;
	$('#backup-name').value = '';
	$('#backup-timeout').value = '720';
	$('#backup-error').hidden = true;
	$('#backup-dialog').showModal();
	$('#backup-name').focus();
}

async function submitBackup(event) {
	event.preventDefault();
	const request = { workspaceCrn: backupTarget.workspaceCrn, backupName: $('#backup-name').value.trim() };
	const timeout = $('#backup-timeout').value.trim();
	if (timeout) {
		request.backupJobTimeoutMinutes = Number(timeout);
	}
	let started;
	if (await act(async () => { started = await call('backupWorkspace', request); }, $('#backup-error'))) {
		$('#backup-dialog').close();
		showNotice(`Backup “${request.backupName}” of ${backupTarget.workspaceName} started (vault ${started.vaultName}).`,
			{ backup: { crn: started.backupCrn, from: 'running' } });
		refresh();
	}
}

let restoreTarget = null;
let skeleton = null;

async function openRestoreDialog(backup, workspace) {
	restoreTarget = backup;
	if (!skeleton && !await act(async () => { skeleton = await restoreSkeleton(); })) {
		return;
	}
	const advanced = structuredClone(skeleton);
	delete advanced.backupCrn;
	delete advanced.newWorkspaceParameters.workspaceName;
	delete advanced.newWorkspaceParameters.environmentName;
	const environment = workspace.environmentName
		?? (await workspaceChoices()).find((w) => w.workspaceCrn === workspace.workspaceCrn)?.environmentName ?? '';
	$('#restore-backup').textContent = `“${backup.backupName}” of ${workspace.workspaceName}`;
	$('#restore-name').value = '';
	$('#restore-environment').value = environment;
	$('#restore-advanced').value = JSON.stringify(advanced, null, 2);
	$('#restore-error').hidden = true;
	$('#restore-dialog').showModal();
	$('#restore-name').focus();
}

async function submitRestore(event) {
	event.preventDefault();
	const box = $('#restore-error');
	let advanced;
	try {
		advanced = JSON.parse($('#restore-advanced').value || '{}');
		if (typeof advanced !== 'object' || advanced === null || Array.isArray(advanced)) {
			throw new Error('it must be a JSON object');
		}
	}
	catch (error) {
		box.textContent = `Advanced (JSON) is not valid: ${error.message}`;
		box.hidden = false;
		return;
	}
	const workspaceName = $('#restore-name').value.trim();
	const request = {
		...advanced,
		backupCrn: restoreTarget.backupCrn,
		newWorkspaceParameters: {
			...(advanced.newWorkspaceParameters ?? {}),
			environmentName: $('#restore-environment').value.trim(),
			workspaceName,
		},
	};
	let started;
	if (await act(async () => { started = await call('restoreWorkspace', request); }, box)) {
		$('#restore-dialog').close();
		workspaceNames.at = 0;
		const warnings = started.warnings ?? [];
		// the warnings stay until dismissed, and the new workspace's page lists them too
		showNotice(`Restore of “${restoreTarget.backupName}” into the new workspace ${workspaceName} started.`
			+ (warnings.length ? ` Warnings: ${warnings.join('; ')}` : ''),
		{ sticky: warnings.length > 0, kind: warnings.length ? 'warning' : 'info', keep: true });
		go('workspace', { crn: started.workspaceCrn });
	}
}

let deleteTarget = null;

function openDeleteDialog(backup, workspace) {
	deleteTarget = backup;
	$('#delete-question').textContent = `Delete backup “${backup.backupName}” of workspace ${workspace.workspaceName}`
		+ ` (created ${time(backup.createdAt)})? Its recovery points leave the vault; this cannot be undone.`;
	$('#delete-error').hidden = true;
	$('#delete-dialog').showModal();
}

async function submitDelete(event) {
	event.preventDefault();
	if (await act(() => call('deleteBackup', { backupCrn: deleteTarget.backupCrn }), $('#delete-error'))) {
		$('#delete-dialog').close();
		showNotice(`Deleting backup “${deleteTarget.backupName}”: it leaves the catalog once its recovery points are gone.`);
		refresh();
	}
}

// ---------------------------------------------------------------- sign-in and sign-out

/** Shows who is signed in, and marks the page with the role (a viewer's shows no write actions). */
function showIdentity(me) {
	document.body.dataset.role = me.role ?? 'none';
	$('#who').replaceChildren(h('span', { 'data-who': me.name, 'data-role': me.role ?? 'none' },
		`${me.name} · ${me.role ?? 'no role'}`),
	h('button', { type: 'button', class: 'link', id: 'sign-out', onclick: () => askForToken() }, 'sign out'));
}

/** Forgets the token and everything it showed, and asks for a token, with the reason when there is one (a 401). */
function askForToken(reason) {
	clearToken();
	clearTimeout(timer);
	generation++;
	document.body.dataset.role = '';
	$('#who').replaceChildren();
	$('#page').replaceChildren();
	$('#page').dataset.page = '';
	$('#live').textContent = '';
	$('#announcer').textContent = '';
	hideNotice();
	hideError();
	connected(true);
	watched.clear();
	workspaceNames = { at: 0, list: [] };
	for (const dialog of document.querySelectorAll('dialog[open]')) {
		if (dialog.id !== 'signin-dialog') {
			dialog.close();
		}
	}
	$('#signin-token').value = '';
	$('#signin-error').textContent = reason ? describe(reason) : '';
	$('#signin-error').hidden = !reason;
	if (!$('#signin-dialog').open) {
		$('#signin-dialog').showModal();
	}
	$('#signin-token').focus();
}

async function submitSignIn(event) {
	event.preventDefault();
	setToken($('#signin-token').value.trim());
	try {
		showIdentity(await whoami());
	}
	catch (error) {
		askForToken(error);
		return;
	}
	$('#signin-dialog').close();
	hideError();
	refresh();
}

// ---------------------------------------------------------------- start

$('#backup-form').addEventListener('submit', submitBackup);
$('#restore-form').addEventListener('submit', submitRestore);
$('#delete-form').addEventListener('submit', submitDelete);
$('#confirm-form').addEventListener('submit', (event) => {
	event.preventDefault();
	$('#confirm-dialog').close();
	settleConfirm(true);
});
$('#confirm-dialog').addEventListener('close', () => settleConfirm(false));
for (const button of document.querySelectorAll('dialog [data-close]')) {
	button.addEventListener('click', () => button.closest('dialog').close());
}
window.addEventListener('hashchange', () => {
	if (keepNotice) {
		keepNotice = false;
	}
	else if (!$('#notice').dataset.sticky) {
		hideNotice();
	}
	hideError();
	$('#page').setAttribute('aria-busy', 'true');
	refresh();
});
$('#signin-form').addEventListener('submit', submitSignIn);
// the console is useless without a token: Escape does not close the sign-in
$('#signin-dialog').addEventListener('cancel', (event) => event.preventDefault());
window.addEventListener('wsbackup:unauthenticated', (event) => askForToken(event.detail));
if (token()) {
	whoami().then((me) => {
		showIdentity(me);
		refresh();
	}, (error) => askForToken(error));
}
else {
	askForToken();
}
