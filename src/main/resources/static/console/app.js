// The wsbackup web console: plain ES modules, no build step. Every page is drawn from the REST API's
// answers (api.js) and drawn again every few seconds while something runs.
import { ApiError, batchJobs, call, clearToken, restoreSkeleton, setToken, token, whoami } from './api.js';

const ACTIVE_REFRESH_MS = 1000;
const IDLE_REFRESH_MS = 10000;
const BUSY_BACKUP = new Set(['running', 'cancelling', 'deleting']);
const FINAL_BACKUP = new Set(['succeeded', 'failed', 'cancelled']);
const RUNNING_JOB = new Set(['STARTING', 'STARTED', 'STOPPING']);
// actions that change something: a viewer's console does not show them (console.css, body[data-role='viewer'])
const WRITE_ACTIONS = new Set(['backup', 'cancel', 'delete', 'restart', 'restore', 'pause', 'resume', 'trigger']);

const $ = (selector) => document.querySelector(selector);

// ---------------------------------------------------------------- DOM and formatting helpers

function h(tag, attrs = {}, ...children) {
	const element = document.createElement(tag);
	if (WRITE_ACTIONS.has(attrs['data-action'])) {
		element.setAttribute('data-write', '');
	}
	for (const [name, value] of Object.entries(attrs)) {
		if (value === undefined || value === null || value === false) {
			continue;
		}
		if (name.startsWith('on')) {
			element.addEventListener(name.slice(2), value);
		}
		else if (name === 'class') {
			element.className = value;
		}
		else {
			element.setAttribute(name, value === true ? '' : value);
		}
	}
	for (const child of children.flat(Infinity)) {
		if (child !== undefined && child !== null && child !== false) {
			element.append(child instanceof Node ? child : String(child));
		}
	}
	return element;
}

function time(iso) {
	return iso ? iso.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC') : '—';
}

function age(iso, now = Date.now()) {
	if (!iso) {
		return '—';
	}
	const seconds = Math.round((now - Date.parse(iso)) / 1000);
	const future = seconds < 0;
	const s = Math.abs(seconds);
	const text = s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min` : s < 86400
		? `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min` : `${Math.floor(s / 86400)} d`;
	return future ? `in ${text}` : `${text} ago`;
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

function shortCrn(crn) {
	return crn ? h('span', { title: crn }, crn.slice(crn.lastIndexOf(':') + 1)) : '—';
}

function badge(status) {
	const s = String(status ?? '').toLowerCase();
	const kind = /succeeded|finished|completed|^active$/.test(s) ? 'ok' : /failed|missing/.test(s) ? 'bad'
		: /cancel|stopp|abandon|paused|partial|skipped/.test(s) ? 'warn'
			: /running|start|deleting/.test(s) ? 'busy' : '';
	return h('span', { class: `badge ${kind}`, 'data-status': status }, status ?? '—');
}

function progressView(step, progress) {
	const percent = progress?.percentDone;
	return h('div', { class: 'progress' },
		h('div', { class: 'step' }, 'Current step: ', h('strong', { 'data-current-step': '' }, step ?? '—')),
		percent !== undefined && percent !== null
			? h('div', { class: 'bar' }, h('div', { style: `width: ${Math.min(100, percent)}%` }))
			: null,
		progress
			? h('div', { class: 'muted' }, `${percent ?? '—'} % · ${bytes(progress.bytesTransferred)}`,
				progress.expectedCompletion
					? ` · ETA ${time(progress.expectedCompletion)} (${age(progress.expectedCompletion)})` : '')
			: h('div', { class: 'muted' }, 'no progress reported yet'));
}

function showNotice(text) {
	const notice = $('#notice');
	notice.textContent = text;
	notice.hidden = false;
}

/** Shows a refusal in the banner; an action's stays until dismissed, a page's until the page loads again. */
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

// ---------------------------------------------------------------- routing and refresh

let timer = null;
let generation = 0;

function route() {
	const hash = location.hash.replace(/^#\/?/, '') || 'workspaces';
	const [page, query = ''] = hash.split('?');
	return { page, params: new URLSearchParams(query) };
}

function go(page, params = {}) {
	const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v)).toString();
	location.hash = `#/${page}${query ? `?${query}` : ''}`;
}

const PAGES = {
	workspaces: workspacesPage, catalog: catalogPage, events: eventsPage, backup: backupPage, jobs: jobsPage,
	schedules: schedulesPage,
};

async function refresh() {
	clearTimeout(timer);
	const mine = ++generation;
	if (!token()) {
		return;
	}
	const { page, params } = route();
	const draw = PAGES[page] ?? workspacesPage;
	for (const link of document.querySelectorAll('nav a')) {
		link.classList.toggle('current', link.dataset.page === (page === 'backup' ? 'catalog' : page));
	}
	let active = false;
	try {
		const content = await draw(params);
		if (mine !== generation) {
			return;
		}
		active = content.active;
		$('#page').replaceChildren(...content.nodes.flat(Infinity).filter((node) => node !== null && node !== false));
		$('#page').dataset.page = page;
		$('#page').dataset.loaded = String(Date.now());
		if (!$('#error').dataset.sticky) {
			$('#error').hidden = true;
		}
	}
	catch (error) {
		if (mine !== generation) {
			return;
		}
		showError(error);
		active = true;
	}
	$('#live').textContent = active ? '● live' : '';
	timer = setTimeout(refresh, active ? ACTIVE_REFRESH_MS : IDLE_REFRESH_MS);
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

// ---------------------------------------------------------------- pages

async function workspacesPage() {
	const { workspaces } = await call('listWorkspaces');
	const rows = await Promise.all(workspaces.map(async (workspace) => {
		const { backups } = await call('listWorkspaceBackups', { workspaceCrn: workspace.workspaceCrn });
		const running = await Promise.all(backups.filter((b) => b.backupStatus === 'running'
			|| b.backupStatus === 'cancelling')
			.map(async (b) => (await call('describeWorkspaceBackup', { backupCrn: b.backupCrn })).backup));
		const restore = workspace.workspaceStatus === 'restore:started'
			? (await call('describeWorkspace', { workspaceCrn: workspace.workspaceCrn })).workspace.restore : null;
		return { workspace, backups, running, restore };
	}));
	const active = rows.some((r) => r.workspace.workspaceStatus.endsWith(':started')
		|| r.backups.some((b) => BUSY_BACKUP.has(b.backupStatus)));
	const now = Date.now();
	const table = h('table', { id: 'workspaces' },
		h('thead', {}, h('tr', {}, ['Name', 'Environment', 'Status', 'Last successful backup', 'Age', 'Actions']
			.map((title) => h('th', {}, title)))),
		h('tbody', {}, rows.map(({ workspace: w, backups, restore }) => {
			const last = backups.find((b) => b.backupStatus === 'succeeded');
			const ready = w.workspaceStatus === 'installation:finished';
			return h('tr', { 'data-workspace': w.workspaceName },
				h('td', {}, h('strong', {}, w.workspaceName), h('div', { class: 'muted' }, shortCrn(w.workspaceCrn))),
				h('td', {}, w.environmentName),
				h('td', { class: 'status' }, badge(w.workspaceStatus),
					restore ? h('div', { class: 'muted' }, `${restore.currentStep ?? ''} `,
						restore.progress ? `${restore.progress.percentDone ?? '—'} %` : '') : null),
				h('td', { 'data-last-backup': last?.backupName ?? '' },
					last ? [h('a', { href: `#/backup?crn=${encodeURIComponent(last.backupCrn)}` }, last.backupName),
						h('div', { class: 'muted' }, time(last.createdAt))] : h('span', { class: 'muted' }, 'none')),
				h('td', {}, last ? age(last.createdAt, now) : '—'),
				h('td', { class: 'actions' },
					h('button', { type: 'button', 'data-action': 'backup', disabled: !ready,
						title: ready ? 'Back up this workspace' : `a backup can start only in installation:finished`,
						onclick: () => openBackupDialog(w) }, 'Backup'),
					h('a', { class: 'button secondary', 'data-action': 'events',
						href: `#/events?workspace=${encodeURIComponent(w.workspaceCrn)}` }, 'View Event Logs'),
					h('a', { class: 'button secondary', 'data-action': 'catalog',
						href: `#/catalog?workspace=${encodeURIComponent(w.workspaceCrn)}` }, 'Backups')));
		})));
	const running = rows.flatMap((r) => r.running.map((b) => ({ backup: b, workspace: r.workspace })));
	return {
		active,
		nodes: [
			h('h1', {}, 'Workspaces'),
			workspaces.length ? table : h('p', { class: 'muted' }, 'No workspace is registered (./wsbackup register-workspace).'),
			running.length ? h('h2', {}, 'Running backups') : null,
			running.map(({ backup, workspace }) => runningBackupCard(backup, workspace)),
		],
	};
}

function runningBackupCard(backup, workspace) {
	return h('section', { class: 'card', 'data-running-backup': backup.backupName },
		h('div', { class: 'card-head' },
			h('a', { href: `#/backup?crn=${encodeURIComponent(backup.backupCrn)}` }, h('strong', {}, backup.backupName)),
			` of ${workspace.workspaceName} `, badge(backup.backupStatus),
			h('span', { class: 'muted' }, ` started ${age(backup.createdAt)}`)),
		progressView(backup.currentStep, backup.progress),
		h('div', { class: 'actions' },
			h('button', { type: 'button', class: 'danger', 'data-action': 'cancel',
				disabled: backup.backupStatus !== 'running', onclick: () => cancelBackup(backup) },
				backup.backupStatus === 'cancelling' ? 'Cancelling…' : 'Cancel'),
			h('a', { class: 'button secondary',
				href: `#/events?workspace=${encodeURIComponent(workspace.workspaceCrn)}&backup=${encodeURIComponent(backup.backupCrn)}` },
				'Event log')));
}

const sizes = new Map();

async function sizeOf(backup) {
	if (sizes.has(backup.backupCrn)) {
		return sizes.get(backup.backupCrn);
	}
	const { backup: described } = await call('describeWorkspaceBackup', { backupCrn: backup.backupCrn });
	const size = described.recoveryPoints.length
		? described.recoveryPoints.reduce((sum, rp) => sum + (rp.sizeBytes ?? 0), 0) : null;
	if (FINAL_BACKUP.has(described.backupStatus)) {
		sizes.set(backup.backupCrn, size);
	}
	return size;
}

async function catalogPage(params) {
	const { workspaces } = await call('listWorkspaces');
	const chosen = params.get('workspace');
	const shown = chosen ? workspaces.filter((w) => w.workspaceCrn === chosen) : workspaces;
	const lists = await Promise.all(shown.map(async (w) => (await call('listWorkspaceBackups',
		{ workspaceCrn: w.workspaceCrn })).backups.map((b) => ({ ...b, workspace: w }))));
	const backups = lists.flat().sort((a, b) => b.createdAt.localeCompare(a.createdAt));
	const withSizes = await Promise.all(backups.map(async (b) => ({ ...b, size: await sizeOf(b).catch(() => null) })));
	const picker = h('select', { id: 'catalog-workspace', onchange: (e) => go('catalog', { workspace: e.target.value }) },
		h('option', { value: '' }, 'All workspaces'),
		workspaces.map((w) => h('option', { value: w.workspaceCrn, selected: w.workspaceCrn === chosen },
			`${w.workspaceName} (${w.environmentName})`)));
	const table = h('table', { id: 'catalog' },
		h('thead', {}, h('tr', {}, ['Name', 'Workspace', 'Created at', 'Creator', 'Version at backup', 'Status', 'Size',
			'Actions'].map((title) => h('th', {}, title)))),
		h('tbody', {}, withSizes.map((b) => h('tr', { 'data-backup': b.backupName, 'data-workspace': b.workspace.workspaceName },
			h('td', {}, h('a', { href: `#/backup?crn=${encodeURIComponent(b.backupCrn)}` }, b.backupName)),
			h('td', {}, b.workspace.workspaceName),
			h('td', {}, time(b.createdAt)),
			h('td', {}, shortCrn(b.creatorCrn)),
			h('td', {}, b.workspaceVersionAtBackup ?? '—'),
			h('td', { class: 'status' }, badge(b.backupStatus)),
			h('td', { 'data-size': b.size ?? '' }, bytes(b.size)),
			h('td', { class: 'actions' }, backupActions(b, b.workspace))))));
	return {
		active: backups.some((b) => BUSY_BACKUP.has(b.backupStatus)),
		nodes: [
			h('h1', {}, 'Backup Catalog'),
			h('label', { class: 'inline' }, 'Workspace ', picker),
			backups.length ? table : h('p', { class: 'muted', id: 'catalog-empty' }, 'No backups.'),
		],
	};
}

function backupActions(b, workspace) {
	return [
		b.backupStatus === 'succeeded'
			? h('button', { type: 'button', 'data-action': 'restore', onclick: () => openRestoreDialog(b, workspace) },
				'Restore')
			: null,
		b.backupStatus === 'running'
			? h('button', { type: 'button', class: 'danger', 'data-action': 'cancel', onclick: () => cancelBackup(b) },
				'Cancel')
			: null,
		FINAL_BACKUP.has(b.backupStatus)
			? h('button', { type: 'button', class: 'danger', 'data-action': 'delete',
				onclick: () => openDeleteDialog(b, workspace) }, 'Delete')
			: null,
		h('a', { class: 'button secondary', 'data-action': 'events',
			href: `#/events?workspace=${encodeURIComponent(workspace.workspaceCrn)}&backup=${encodeURIComponent(b.backupCrn)}` },
			'Event log'),
	];
}

async function backupPage(params) {
	const crn = params.get('crn');
	const { backup: b } = await call('describeWorkspaceBackup', { backupCrn: crn });
	const { workspace } = await call('describeWorkspace', { workspaceCrn: b.workspaceCrn });
	const { events } = await call('listWorkspaceEvents', { workspaceCrn: b.workspaceCrn, backupCrn: crn });
	const size = b.recoveryPoints.reduce((sum, rp) => sum + (rp.sizeBytes ?? 0), 0);
	const facts = [
		['Workspace', `${workspace.workspaceName} (${workspace.environmentName})`], ['Status', badge(b.backupStatus)],
		['Created at', time(b.createdAt)], ['Creator', b.creatorCrn], ['Version at backup', b.workspaceVersionAtBackup],
		['Vault', b.vaultName], ['Timeout', `${b.backupJobTimeoutMinutes} min`], ['Job', b.jobStatus ?? '—'],
		['Size', b.recoveryPoints.length ? bytes(size) : '—'],
		b.failureReason ? ['Failure', h('span', { class: 'bad-text' }, b.failureReason)] : null,
		b.warnings?.length ? ['Warnings', h('ul', {}, b.warnings.map((w) => h('li', {}, w)))] : null,
	].filter(Boolean);
	return {
		active: BUSY_BACKUP.has(b.backupStatus),
		nodes: [
			h('h1', {}, 'Backup ', h('span', { id: 'backup-title' }, b.backupName)),
			h('dl', { class: 'facts' }, facts.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v ?? '—')])),
			BUSY_BACKUP.has(b.backupStatus) ? progressView(b.currentStep, b.progress) : null,
			h('div', { class: 'actions' }, backupActions(b, workspace)),
			b.recoveryPoints.length ? [h('h2', {}, 'Recovery points'), h('table', {},
				h('thead', {}, h('tr', {}, ['Kind', 'Resource', 'Recovery point', 'Size', 'Created at']
					.map((t) => h('th', {}, t)))),
				h('tbody', {}, b.recoveryPoints.map((rp) => h('tr', {}, h('td', {}, rp.resourceKind),
					h('td', { class: 'mono' }, rp.resourceId), h('td', { class: 'mono' }, rp.recoveryPointId),
					h('td', {}, bytes(rp.sizeBytes)), h('td', {}, time(rp.createdAt))))))] : null,
			h('h2', {}, 'Event log'),
			eventsTable(events),
		],
	};
}

async function eventsPage(params) {
	const { workspaces } = await call('listWorkspaces');
	const crn = params.get('workspace') ?? workspaces[0]?.workspaceCrn;
	const backupCrn = params.get('backup');
	if (!crn) {
		return { active: false, nodes: [h('h1', {}, 'Event Logs'), h('p', { class: 'muted' }, 'No workspace.')] };
	}
	const workspace = workspaces.find((w) => w.workspaceCrn === crn);
	const [{ backups }, { events }] = await Promise.all([call('listWorkspaceBackups', { workspaceCrn: crn }),
		call('listWorkspaceEvents', backupCrn ? { workspaceCrn: crn, backupCrn } : { workspaceCrn: crn })]);
	const wsPicker = h('select', { id: 'events-workspace', onchange: (e) => go('events', { workspace: e.target.value }) },
		workspaces.map((w) => h('option', { value: w.workspaceCrn, selected: w.workspaceCrn === crn },
			`${w.workspaceName} (${w.environmentName})`)));
	const backupPicker = h('select', { id: 'events-backup',
		onchange: (e) => go('events', { workspace: crn, backup: e.target.value }) },
	h('option', { value: '' }, 'Everything of the workspace'),
	backups.map((b) => h('option', { value: b.backupCrn, selected: b.backupCrn === backupCrn },
		`backup ${b.backupName} (${b.backupStatus})`)));
	return {
		active: (workspace?.workspaceStatus ?? '').endsWith(':started')
			|| backups.some((b) => BUSY_BACKUP.has(b.backupStatus)),
		nodes: [
			h('h1', {}, 'Event Logs'),
			h('div', { class: 'filters' }, h('label', { class: 'inline' }, 'Workspace ', wsPicker),
				h('label', { class: 'inline' }, 'Backup ', backupPicker)),
			eventsTable(events),
		],
	};
}

function eventsTable(events) {
	if (!events.length) {
		return h('p', { class: 'muted' }, 'No events yet.');
	}
	return h('table', { class: 'events', id: 'events' },
		h('thead', {}, h('tr', {}, ['Time', 'Step', 'Level', 'Message', 'Progress'].map((t) => h('th', {}, t)))),
		h('tbody', {}, [...events].reverse().map((e) => h('tr', { class: `level-${(e.level ?? '').toLowerCase()}` },
			h('td', { class: 'nowrap' }, time(e.occurredAt)),
			h('td', {}, e.step ?? ''),
			h('td', {}, e.level ?? ''),
			h('td', {}, e.message ?? ''),
			h('td', { class: 'nowrap' }, e.percentDone !== null && e.percentDone !== undefined
				? `${e.percentDone} % · ${bytes(e.bytesTransferred)}${e.expectedCompletion
					? ` · ETA ${time(e.expectedCompletion).slice(11)}` : ''}` : '')))));
}

/** Names for the CRNs in job parameters: every workspace, and the backups of each. */
async function names() {
	const { workspaces } = await call('listWorkspaces');
	const byCrn = new Map(workspaces.map((w) => [w.workspaceCrn, { name: w.workspaceName, workspace: w }]));
	await Promise.all(workspaces.map(async (w) => {
		const { backups } = await call('listWorkspaceBackups', { workspaceCrn: w.workspaceCrn });
		for (const b of backups) {
			byCrn.set(b.backupCrn, { name: b.backupName, workspace: w, backup: b });
		}
	}));
	return byCrn;
}

/** What a job execution worked on, from its parameters: the backup or workspace, by name where known. */
function subject(execution, byCrn) {
	const p = execution.parameters ?? {};
	const named = (crn) => byCrn.get(crn)?.name ?? null;
	const link = (crn, text) => h('a', { href: `#/backup?crn=${encodeURIComponent(crn)}` }, text);
	if (execution.jobName === 'backupWorkspace' || execution.jobName === 'deleteBackup') {
		const known = byCrn.get(p.backupCrn);
		const workspace = known?.workspace?.workspaceName ?? named(p.workspaceCrn);
		return {
			name: known?.name ?? '',
			nodes: [execution.jobName === 'deleteBackup' ? 'delete ' : 'backup ',
				known ? link(p.backupCrn, known.name) : shortCrn(p.backupCrn),
				workspace ? ` of ${workspace}` : ''],
		};
	}
	if (execution.jobName === 'restoreWorkspace') {
		const from = named(p.backupCrn);
		return {
			name: named(p.workspaceCrn) ?? '',
			nodes: ['restore into ', named(p.workspaceCrn) ?? shortCrn(p.workspaceCrn),
				from ? [' from ', link(p.backupCrn, from)] : ''],
		};
	}
	return {
		name: '',
		nodes: Object.entries(p).map(([k, v]) => h('div', { class: 'mono' }, `${k}=${v}`)),
	};
}

function duration(startIso, endIso) {
	if (!startIso) {
		return '—';
	}
	const s = Math.max(0, Math.round(((endIso ? Date.parse(endIso) : Date.now()) - Date.parse(startIso)) / 1000));
	return s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min ${s % 60} s`
		: `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

async function jobsPage() {
	const [executions, byCrn] = await Promise.all([batchJobs(), names()]);
	// executions are newest first: the first one seen of an instance is its latest
	const latest = new Map();
	for (const e of executions) {
		if (!latest.has(e.jobInstanceId)) {
			latest.set(e.jobInstanceId, e);
		}
	}
	const table = h('table', { id: 'jobs' },
		h('thead', {}, h('tr', {}, ['Execution', 'Job', 'Of', 'Status', 'Step', 'Started', 'Duration', 'Actions']
			.map((title) => h('th', {}, title)))),
		h('tbody', {}, executions.map((e) => {
			const of = subject(e, byCrn);
			const newer = latest.get(e.jobInstanceId);
			const restartable = e.status === 'FAILED' && newer === e;
			return h('tr', { 'data-execution': e.executionId, 'data-job': e.jobName, 'data-subject': of.name,
				'data-status': e.status },
			h('td', { class: 'mono' }, `#${e.executionId}`),
			h('td', {}, e.jobName),
			h('td', {}, of.nodes),
			h('td', { class: 'status' }, badge(e.status),
				e.exitCode && e.exitCode !== e.status ? h('div', { class: 'muted' }, `exit ${e.exitCode}`) : null),
			h('td', { 'data-step': e.failedStep ?? e.currentStep ?? '' },
				e.failedStep
					? [h('div', {}, e.status === 'FAILED' ? 'failed in ' : `${e.status.toLowerCase()} in `,
						h('strong', { 'data-failed-step': '' }, e.failedStep)),
						e.failure ? h('div', { class: 'bad-text failure' }, e.failure) : null]
					: e.currentStep ? ['running ', h('strong', { 'data-current-step': '' }, e.currentStep)]
						: e.failure ? h('div', { class: 'bad-text failure' }, e.failure) : h('span', { class: 'muted' }, '—')),
			h('td', { class: 'nowrap' }, time(e.startTime), h('div', { class: 'muted' }, age(e.startTime))),
			h('td', { class: 'nowrap' }, duration(e.startTime, e.endTime)),
			h('td', { class: 'actions' },
				restartable
					? h('button', { type: 'button', 'data-action': 'restart', onclick: () => restartExecution(e, of) },
						'Restart')
					: null,
				e.status === 'FAILED' && !restartable
					? h('span', { class: 'muted' }, `restarted as #${newer.executionId}`) : null));
		})));
	return {
		active: executions.some((e) => RUNNING_JOB.has(e.status)),
		nodes: [
			h('h1', {}, 'Jobs'),
			h('p', { class: 'hint' }, 'The recent executions of the runner\'s batch jobs, newest first'
				+ ' (GET actuator/batchjobs). Restart runs a failed one again from its failed step.'),
			executions.length ? table : h('p', { class: 'muted', id: 'jobs-empty' }, 'No job has run yet.'),
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
	const table = h('table', { id: 'schedules' },
		h('thead', {}, h('tr', {}, ['Name', 'Workspaces', 'Backup name', 'State', 'Next fire time', 'Last run',
			'Actions'].map((title) => h('th', {}, title)))),
		h('tbody', {}, schedules.map((s) => h('tr', { 'data-schedule': s.name, 'data-state': s.state },
			h('td', {}, h('strong', {}, s.name),
				h('div', { class: 'muted mono', title: `from ${s.source ?? '?'}` }, `${s.cron} ${s.timeZone}`)),
			h('td', {}, s.workspaces),
			h('td', { class: 'mono' }, s.backupName,
				s.keepLast || s.maxAge ? h('div', { class: 'muted' }, 'keep ', [s.keepLast ? `last ${s.keepLast}` : null,
					s.maxAge ? `at most ${s.maxAge}` : null].filter(Boolean).join(', ')) : null),
			h('td', { class: 'status' }, badge(s.state)),
			h('td', { class: 'nowrap', 'data-next-fire': s.nextFireTime ?? '' },
				s.nextFireTime ? [time(s.nextFireTime), h('div', { class: 'muted' }, age(s.nextFireTime))]
					: h('span', { class: 'muted' }, s.state === 'paused' ? 'paused' : '—')),
			h('td', { 'data-last-run': s.lastRun?.outcome ?? '' }, lastRunView(s.lastRun)),
			h('td', { class: 'actions' },
				s.state === 'paused'
					? h('button', { type: 'button', 'data-action': 'resume', onclick: () => scheduleAction('resumeSchedule', s) },
						'Resume')
					: h('button', { type: 'button', class: 'secondary', 'data-action': 'pause', disabled: s.state !== 'active',
						onclick: () => scheduleAction('pauseSchedule', s) }, 'Pause'),
				h('button', { type: 'button', 'data-action': 'trigger', onclick: () => scheduleAction('triggerSchedule', s) },
					'Run now'))))));
	return {
		active: schedules.some((s) => s.lastRun?.outcome === 'running'),
		nodes: [
			h('h1', {}, 'Schedules'),
			h('p', { class: 'hint' }, 'From the YAML files of the runner\'s schedules directory. Pause and Resume last '
				+ 'until the schedule\'s file changes; Run now starts a run at once, paused or not.'),
			schedules.length ? table
				: h('p', { class: 'muted', id: 'schedules-empty' }, 'No schedules: the runner\'s schedules directory '
					+ '(--wsbackup.schedules-dir) has no schedule files.'),
		],
	};
}

// ---------------------------------------------------------------- actions and dialogs

async function restartExecution(execution, of) {
	let restarted;
	if (await act(async () => { restarted = await batchJobs('restart', { executionId: execution.executionId }); })) {
		showNotice(`Job execution #${execution.executionId} (${execution.jobName}${of.name ? ` ${of.name}` : ''}) `
			+ `restarted as #${restarted.executionId}.`);
	}
	refresh();
}

async function scheduleAction(operation, schedule) {
	let answer;
	if (await act(async () => { answer = await call(operation, { schedule: schedule.name }); })) {
		showNotice(operation === 'triggerSchedule'
			? `Schedule ${schedule.name} runs now (run ${answer.runId}); its backups appear in the catalog.`
			: `Schedule ${schedule.name} is ${answer.schedule.state}.`);
	}
	refresh();
}


async function cancelBackup(backup) {
	if (await act(() => call('cancelBackup', { backupCrn: backup.backupCrn }))) {
		showNotice(`Cancel requested for backup “${backup.backupName}”: its snapshots are stopped and the workspace put back.`);
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
		showNotice(`Backup “${request.backupName}” of ${backupTarget.workspaceName} started (vault ${started.vaultName}).`);
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
	$('#restore-backup').textContent = `“${backup.backupName}” of ${workspace.workspaceName}`;
	$('#restore-name').value = '';
	$('#restore-environment').value = workspace.environmentName;
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
		showNotice(`Restore of “${restoreTarget.backupName}” into the new workspace ${workspaceName} started.`
			+ (started.warnings?.length ? ` Warnings: ${started.warnings.join('; ')}` : ''));
		go('workspaces');
		refresh();
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

// ---------------------------------------------------------------- sign-in

/** Shows who is signed in, and marks the page with the role (a viewer's shows no write actions). */
function showIdentity(me) {
	document.body.dataset.role = me.role ?? 'none';
	$('#who').replaceChildren(h('span', { 'data-who': me.name, 'data-role': me.role ?? 'none' },
		`${me.name} · ${me.role ?? 'no role'}`),
	h('button', { type: 'button', class: 'link', id: 'sign-out', onclick: () => askForToken() }, 'sign out'));
}

/** Forgets the token and asks for one, with the reason when there is one (a 401). */
function askForToken(reason) {
	clearToken();
	clearTimeout(timer);
	document.body.dataset.role = '';
	$('#who').replaceChildren();
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
for (const button of document.querySelectorAll('dialog [data-close]')) {
	button.addEventListener('click', () => button.closest('dialog').close());
}
window.addEventListener('hashchange', () => {
	$('#notice').hidden = true;
	hideError();
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
