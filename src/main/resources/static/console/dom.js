// Building and patching the console's DOM. Pages are described afresh at every refresh with h(); morph()
// patches the page in place so that what did not change stays the same node: keyboard focus, text being typed,
// an open <details>, a selection and the scroll position survive a refresh.

/**
 * An element: h('tr', { 'data-key': crn, onclick: fn }, children...). Event handlers live in element.__on and
 * are called through one listener per type, so that morph() can hand an old node its new handlers.
 * Boolean attributes take true/false; null, undefined and false attributes and children are left out.
 */
export function h(tag, attrs = {}, ...children) {
	const element = document.createElement(tag);
	for (const [name, value] of Object.entries(attrs)) {
		if (value === undefined || value === null || value === false) {
			continue;
		}
		if (name.startsWith('on') && typeof value === 'function') {
			listen(element, name.slice(2), value);
		}
		else if (name === 'class') {
			element.className = value;
		}
		else if (name === 'value' && 'value' in element) {
			element.value = value;
			element.setAttribute('value', value);
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

function listen(element, type, handler) {
	element.__on ??= {};
	if (!(type in element.__on)) {
		element.addEventListener(type, (event) => element.__on[type]?.(event));
	}
	element.__on[type] = handler;
}

/** Makes parent's children look like the given nodes, reusing the nodes already there where they match. */
export function morph(parent, nodes) {
	const wanted = nodes.flat(Infinity).filter((node) => node !== null && node !== undefined && node !== false)
		.map((node) => (node instanceof Node ? node : document.createTextNode(String(node))));
	for (let i = 0; i < wanted.length; i++) {
		const next = wanted[i];
		const current = parent.childNodes[i];
		if (!current) {
			parent.append(next);
			continue;
		}
		if (same(current, next)) {
			patch(current, next);
			continue;
		}
		const key = keyOf(next);
		const keyed = key === null ? null
			: [...parent.childNodes].slice(i + 1).find((node) => same(node, next));
		if (keyed) {
			parent.insertBefore(keyed, current);
			patch(keyed, next);
		}
		else {
			parent.insertBefore(next, current);
		}
	}
	while (parent.childNodes.length > wanted.length) {
		parent.lastChild.remove();
	}
}

function keyOf(node) {
	return node.nodeType === Node.ELEMENT_NODE ? node.getAttribute('data-key') : null;
}

function same(a, b) {
	return a.nodeType === b.nodeType && a.nodeName === b.nodeName && keyOf(a) === keyOf(b);
}

function patch(current, next) {
	if (current.nodeType !== Node.ELEMENT_NODE) {
		if (current.nodeValue !== next.nodeValue) {
			current.nodeValue = next.nodeValue;
		}
		return;
	}
	for (const { name } of [...current.attributes]) {
		if (!next.hasAttribute(name) && !(name === 'open' && current.tagName === 'DETAILS')) {
			current.removeAttribute(name);
		}
	}
	for (const { name, value } of [...next.attributes]) {
		if (current.getAttribute(name) !== value) {
			current.setAttribute(name, value);
		}
	}
	const handlers = next.__on ?? {};
	for (const type of Object.keys(current.__on ?? {})) {
		if (!(type in handlers)) {
			current.__on[type] = undefined;
		}
	}
	for (const [type, handler] of Object.entries(handlers)) {
		listen(current, type, handler);
	}
	morph(current, [...next.childNodes]);
	// a field the operator is typing in keeps what is typed
	if ('value' in current && current !== document.activeElement && current.value !== next.value
		&& current.tagName !== 'BUTTON') {
		current.value = next.value;
	}
}
