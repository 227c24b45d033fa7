// The runner's REST API, the same operations the CLI calls: POST api/v1/ml/<operation> with a JSON body;
// and the actuator job endpoint (actuator/batchjobs) for the Jobs page.
// A refusal arrives as {code, message}; it is thrown as an ApiError carrying both.

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
				+ ' start it with wsbackup.actuator.jobs.enabled=true (the embedded default sets it)', 404);
		}
		throw error;
	}
}

async function request(url, what, init) {
	let response;
	try {
		response = await fetch(url, init);
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
		throw new ApiError(json?.code ?? `HTTP ${response.status}`, json?.message ?? (text || response.statusText),
			response.status);
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
