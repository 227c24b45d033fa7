// The runner's REST API, the same operations the CLI calls: POST api/v1/ml/<operation> with a JSON body.
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
	let response;
	try {
		response = await fetch(`api/v1/ml/${operation}`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
			body: JSON.stringify(body),
		});
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
		throw new ApiError('INTERNAL', `${operation} answered something that is not JSON`, response.status);
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
