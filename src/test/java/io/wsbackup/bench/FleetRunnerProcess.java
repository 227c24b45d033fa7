package io.wsbackup.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import io.wsbackup.execution.Runner;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * A second runner for benchmark 9, in its own JVM on the benchmark's class path:
 * {@code FleetRunnerProcess <jdbc-url> key=value...} starts the runner as
 * {@link Bench#runner} does (the settings over the mysql defaults), prints
 * {@code RUNNER <runner id>} once it is up, and runs until the process is stopped (or
 * killed: that is what the benchmark's third night does to it).
 */
public final class FleetRunnerProcess {

	private FleetRunnerProcess() {
	}

	public static void main(String[] args) throws Exception {
		Map<String, Object> settings = new LinkedHashMap<>();
		for (int i = 1; i < args.length; i++) {
			int eq = args[i].indexOf('=');
			settings.put(args[i].substring(0, eq), args[i].substring(eq + 1));
		}
		ConfigurableApplicationContext context = Bench.runner(args[0], settings);
		System.out.println("RUNNER " + context.getBean(Runner.class).id());
		System.out.flush();
		new CountDownLatch(1).await();
	}

}
