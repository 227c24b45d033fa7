// The runner's REST API, the same operations the CLI calls: POST api/v1/ml/<operation> with a JSON body;
// and the actuator job endpoint (actuator/batchjobs) for the Jobs page.
// A refusal arrives as {code, message}; it is thrown as an ApiError carrying both.
// Every call carries the bearer token the operator signed in with (kept in sessionStorage, so for this tab only);
// a 401 clears it and fires 'wsbackup:unauthenticated' on window, so that the console asks for a token again.

const TOKEN_KEY = 'wsbackup.token';

export function token() {
	return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value) {
	sessionStorage.setItem(TOKEN_KEY, value);
}

export function clearToken() {
	sessionStorage.removeItem(TOKEN_KEY);
}

/** Who the token belongs to: {name, role ('admin', 'viewer' or null), creatorCrn}. */
export async function whoami() {
	return request('api/v1/whoami', 'whoami', { headers: { Accept: 'application/json' } });
}

export class ApiError extends Error {
	constructor(code, message, status) {
		super(message);
		this.code = code;
		this.status = status;
	}

	/** What an operator reads: the API's code and its message. */
	get text() {
		return `${this.code}: ${this.message}`;
	}
}

export async function call(operation, body = {}) {
	return request(`api/v1/ml/${operation}`, operation, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
		body: JSON.stringify(body),
	});
}

/**
 * The actuator job endpoint, actuator/batchjobs: GET lists the recent executions, a POST with a body runs
 * an action (restart, stop, launch). It exists only with wsbackup.actuator.jobs.enabled=true.
 */
export async function batchJobs(action = '', body = null) {
	try {
		return await request(`actuator/batchjobs${action ? `/${action}` : ''}`, `batchjobs ${action || 'list'}`,
			body === null ? { headers: { Accept: 'application/json' } } : {
				method: 'POST',
				headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
				body: JSON.stringify(body),
			});
	}
	catch (error) {
		if (error.status === 404 && !action) {
			throw new ApiError('NOT_FOUND', 'the actuator job endpoint is not exposed by this runner;'
				+ ' it was started with wsbackup.actuator.jobs.enabled=false', 404);
		}
		throw error;
	}
}

async function request(url, what, init) {
	let response;
	const bearer = token();
	const headers = { ...(init.headers ?? {}), ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}) };
	try {
		response = await fetch(url, { ...init, headers });
	}
	catch (error) {
		throw new ApiError('UNAVAILABLE', `the runner cannot be reached (${error.message}); is it running?`);
	}
	const text = await response.text();
	let json = null;
	try {
		json = text ? JSON.parse(text) : {};
	}
	catch {
		json = null;
	}
	if (!response.ok) {
		const error = new ApiError(json?.code ?? `HTTP ${response.status}`,
			json?.message ?? (text || response.statusText), response.status);
		if (response.status === 401) {
			clearToken();
			window.dispatchEvent(new CustomEvent('wsbackup:unauthenticated', { detail: error }));
		}
		throw error;
	}
	if (json === null) {
		throw new ApiError('INTERNAL', `${what} answered something that is not JSON`, response.status);
	}
	return json;
}

/** The restoreWorkspace request with every field empty: the same file the API checks requests against. */
export async function restoreSkeleton() {
	const response = await fetch('console/restore-workspace-input.json');
	if (!response.ok) {
		throw new ApiError(`HTTP ${response.status}`, 'the restore input skeleton could not be loaded');
	}
	return response.json();
}
