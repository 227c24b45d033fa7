// The wsbackup web console: plain ES modules, no build step. Every page is drawn from the REST API's
// answers (api.js) and drawn again every few seconds while something runs.
import { ApiError, call, restoreSkeleton } from './api.js';

const ACTIVE_REFRESH_MS = 1000;
const IDLE_REFRESH_MS = 10000;
const BUSY_BACKUP = new Set(['running', 'cancelling', 'deleting']);
const FINAL_BACKUP = new Set(['succeeded', 'failed', 'cancelled']);

const $ = (selector) => document.querySelector(selector);

// ---------------------------------------------------------------- DOM and formatting helpers

function h(tag, attrs = {}, ...children) {
	const element = document.createElement(tag);
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
	const kind = /succeeded|finished/.test(status) ? 'ok' : /failed/.test(status) ? 'bad'
		: /cancel/.test(status) ? 'warn' : /running|started|deleting/.test(status) ? 'busy' : '';
	return h('span', { class: `badge ${kind}`, 'data-status': status }, status);
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

const PAGES = { workspaces: workspacesPage, catalog: catalogPage, events: eventsPage, backup: backupPage };

async function refresh() {
	clearTimeout(timer);
	const mine = ++generation;
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

// ---------------------------------------------------------------- actions and dialogs

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
refresh();
