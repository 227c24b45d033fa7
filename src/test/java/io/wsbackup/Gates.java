package io.wsbackup;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gates of a fake, by operation name: the next call of that operation waits at its
 * gate.
 */
public final class Gates {

	private final Map<String, Gate> gates = new ConcurrentHashMap<>();

	/**
	 * The next call of {@code operation} (a method name of the port) waits until the
	 * returned gate opens.
	 */
	public Gate next(String operation) {
		Gate gate = new Gate();
		gates.put(operation, gate);
		return gate;
	}

	/**
	 * Called by the fake on entry to {@code operation}; outside its lock, so the test can
	 * act meanwhile.
	 */
	public void pass(String operation) {
		Gate gate = gates.remove(operation);
		if (gate != null) {
			gate.pass();
		}
	}

	/** Opens and forgets every gate. */
	public void clear() {
		gates.values().forEach(Gate::open);
		gates.clear();
	}

}
