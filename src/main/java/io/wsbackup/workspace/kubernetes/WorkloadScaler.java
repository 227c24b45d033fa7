package io.wsbackup.workspace.kubernetes;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.wsbackup.system.WsbackupProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops and starts a workspace's Deployments, StatefulSets and CronJobs.
 *
 * <p>
 * Stop writes each object's replica count (or a CronJob's {@code suspend}) into an
 * annotation in the same update that scales it to zero (or suspends it), so the object is
 * never at zero without the count it must go back to, even if the runner dies right
 * after. An object that already carries the annotation is not recorded again: a second
 * stop changes nothing more and returns the original counts. Start takes the counts from
 * the changes it is given, else from the annotations, and removes the annotations.
 */
class WorkloadScaler {

	private static final Logger log = LoggerFactory.getLogger(WorkloadScaler.class);

	static final String DEPLOYMENT = "deployment";

	static final String STATEFULSET = "statefulset";

	static final String CRONJOB = "cronjob";

	static final String SUSPENDED = "suspended=";

	private final WsbackupProperties.Workloads.Kubernetes settings;

	private final String replicasAnnotation;

	private final String suspendAnnotation;

	WorkloadScaler(WsbackupProperties.Workloads.Kubernetes settings) {
		this.settings = settings;
		this.replicasAnnotation = settings.annotationPrefix() + "/replicas-before-stop";
		this.suspendAnnotation = settings.annotationPrefix() + "/suspend-before-stop";
	}

	String replicasAnnotation() {
		return replicasAnnotation;
	}

	String suspendAnnotation() {
		return suspendAnnotation;
	}

	/** Scales down, suspends, waits for the pods; returns the changes and notes. */
	Result stop(KubernetesClient client, List<String> namespaces) {
		Map<String, String> changes = new TreeMap<>();
		int changed = 0;
		for (String ns : namespaces) {
			for (Deployment d : client.apps().deployments().inNamespace(ns).list().getItems()) {
				String recorded = annotation(d, replicasAnnotation);
				int replicas = replicas(d.getSpec().getReplicas());
				changes.put(key(DEPLOYMENT, d), recorded != null ? recorded : String.valueOf(replicas));
				if (recorded == null || replicas != 0) {
					onConflictRetry(() -> client.apps().deployments().inNamespace(ns).withName(name(d)).edit((x) -> {
						annotations(x).putIfAbsent(replicasAnnotation,
								String.valueOf(replicas(x.getSpec().getReplicas())));
						x.getSpec().setReplicas(0);
						return x;
					}));
					changed++;
				}
			}
			for (StatefulSet s : client.apps().statefulSets().inNamespace(ns).list().getItems()) {
				String recorded = annotation(s, replicasAnnotation);
				int replicas = replicas(s.getSpec().getReplicas());
				changes.put(key(STATEFULSET, s), recorded != null ? recorded : String.valueOf(replicas));
				if (recorded == null || replicas != 0) {
					onConflictRetry(() -> client.apps().statefulSets().inNamespace(ns).withName(name(s)).edit((x) -> {
						annotations(x).putIfAbsent(replicasAnnotation,
								String.valueOf(replicas(x.getSpec().getReplicas())));
						x.getSpec().setReplicas(0);
						return x;
					}));
					changed++;
				}
			}
			for (CronJob c : client.batch().v1().cronjobs().inNamespace(ns).list().getItems()) {
				String recorded = annotation(c, suspendAnnotation);
				boolean suspended = Boolean.TRUE.equals(c.getSpec().getSuspend());
				changes.put(key(CRONJOB, c), SUSPENDED + (recorded != null ? recorded : String.valueOf(suspended)));
				if (recorded == null || !suspended) {
					onConflictRetry(() -> client.batch().v1().cronjobs().inNamespace(ns).withName(name(c)).edit((x) -> {
						annotations(x).putIfAbsent(suspendAnnotation,
								String.valueOf(Boolean.TRUE.equals(x.getSpec().getSuspend())));
						x.getSpec().setSuspend(true);
						return x;
					}));
					changed++;
				}
			}
		}
		List<String> notes = new ArrayList<>();
		notes.add(changed == 0 && !changes.isEmpty()
				? "the workloads in namespace(s) " + String.join(", ", namespaces)
						+ " were already stopped; nothing changed"
				: changed + " of " + changes.size() + " workload object(s) in namespace(s) "
						+ String.join(", ", namespaces) + " scaled to zero or suspended");
		awaitPodsGone(client, namespaces, notes);
		log.info("stopped namespaces {}: {} object(s) changed, {} recorded", namespaces, changed, changes.size());
		return new Result(changes, notes);
	}

	/**
	 * Puts back replicas and {@code suspend} from the changes, else from the annotations;
	 * waits for readiness. Objects with neither are left alone.
	 * @return notes for the log (objects not ready in time, recorded objects gone)
	 */
	List<String> start(KubernetesClient client, List<String> namespaces, Map<String, String> changes) {
		Set<String> seen = new LinkedHashSet<>();
		List<Supplier<String>> notReady = new ArrayList<>();
		for (String ns : namespaces) {
			for (Deployment d : client.apps().deployments().inNamespace(ns).list().getItems()) {
				String key = key(DEPLOYMENT, d);
				seen.add(key);
				Integer target = target(changes.get(key), annotation(d, replicasAnnotation));
				if (target != null) {
					if (target != replicas(d.getSpec().getReplicas()) || annotation(d, replicasAnnotation) != null) {
						onConflictRetry(
								() -> client.apps().deployments().inNamespace(ns).withName(name(d)).edit((x) -> {
									annotations(x).remove(replicasAnnotation);
									x.getSpec().setReplicas(target);
									return x;
								}));
					}
					String name = name(d);
					notReady.add(() -> {
						Deployment now = client.apps().deployments().inNamespace(ns).withName(name).get();
						return now == null
								|| ready(now.getStatus() == null ? null : now.getStatus().getReadyReplicas(), target)
										? null : key;
					});
				}
			}
			for (StatefulSet s : client.apps().statefulSets().inNamespace(ns).list().getItems()) {
				String key = key(STATEFULSET, s);
				seen.add(key);
				Integer target = target(changes.get(key), annotation(s, replicasAnnotation));
				if (target != null) {
					if (target != replicas(s.getSpec().getReplicas()) || annotation(s, replicasAnnotation) != null) {
						onConflictRetry(
								() -> client.apps().statefulSets().inNamespace(ns).withName(name(s)).edit((x) -> {
									annotations(x).remove(replicasAnnotation);
									x.getSpec().setReplicas(target);
									return x;
								}));
					}
					String name = name(s);
					notReady.add(() -> {
						StatefulSet now = client.apps().statefulSets().inNamespace(ns).withName(name).get();
						return now == null
								|| ready(now.getStatus() == null ? null : now.getStatus().getReadyReplicas(), target)
										? null : key;
					});
				}
			}
			for (CronJob c : client.batch().v1().cronjobs().inNamespace(ns).list().getItems()) {
				String key = key(CRONJOB, c);
				seen.add(key);
				String recorded = changes.get(key);
				String suspend = recorded != null && recorded.startsWith(SUSPENDED)
						? recorded.substring(SUSPENDED.length()) : annotation(c, suspendAnnotation);
				if (suspend != null) {
					boolean target = Boolean.parseBoolean(suspend);
					if (target != Boolean.TRUE.equals(c.getSpec().getSuspend())
							|| annotation(c, suspendAnnotation) != null) {
						onConflictRetry(
								() -> client.batch().v1().cronjobs().inNamespace(ns).withName(name(c)).edit((x) -> {
									annotations(x).remove(suspendAnnotation);
									x.getSpec().setSuspend(target);
									return x;
								}));
					}
				}
			}
		}
		List<String> notes = new ArrayList<>();
		changes.keySet()
			.stream()
			.filter((key) -> !seen.contains(key) && namespaces.contains(namespaceOf(key)))
			.forEach((key) -> notes.add(key + " was recorded by the stop but no longer exists; not started"));
		List<String> late = awaitReady(notReady);
		if (!late.isEmpty()) {
			notes.add("not ready after " + settings.readinessTimeout().toSeconds() + " s: " + String.join(", ", late));
		}
		return notes;
	}

	/**
	 * The Deployments and StatefulSets of the namespaces with fewer ready replicas than
	 * their spec wants, and namespaces that do not exist; checked once, without waiting.
	 * @return one sentence per problem, e.g.
	 * {@code deployment/analytics2/web not ready: 1/3 replicas ready}
	 */
	List<String> notReady(KubernetesClient client, List<String> namespaces) {
		List<String> problems = new ArrayList<>();
		for (String ns : namespaces) {
			if (client.namespaces().withName(ns).get() == null) {
				problems.add("namespace " + ns + " does not exist");
				continue;
			}
			for (Deployment d : client.apps().deployments().inNamespace(ns).list().getItems()) {
				notReady(key(DEPLOYMENT, d), d.getStatus() == null ? null : d.getStatus().getReadyReplicas(),
						replicas(d.getSpec().getReplicas()))
					.ifPresent(problems::add);
			}
			for (StatefulSet s : client.apps().statefulSets().inNamespace(ns).list().getItems()) {
				notReady(key(STATEFULSET, s), s.getStatus() == null ? null : s.getStatus().getReadyReplicas(),
						replicas(s.getSpec().getReplicas()))
					.ifPresent(problems::add);
			}
		}
		return problems;
	}

	private static Optional<String> notReady(String key, Integer readyReplicas, int wanted) {
		return ready(readyReplicas, wanted) ? Optional.empty() : Optional
			.of(key + " not ready: " + (readyReplicas == null ? 0 : readyReplicas) + "/" + wanted + " replicas ready");
	}

	private void awaitPodsGone(KubernetesClient client, List<String> namespaces, List<String> notes) {
		Instant started = Instant.now();
		List<Pod> running = waitFor(() -> activePods(client, namespaces), settings.podWaitTimeout());
		if (running.isEmpty()) {
			return;
		}
		long grace = settings.leftoverPodGracePeriod().toSeconds();
		List<String> names = running.stream().map((p) -> p.getMetadata().getNamespace() + "/" + name(p)).toList();
		for (Pod pod : running) {
			client.pods()
				.inNamespace(pod.getMetadata().getNamespace())
				.withName(name(pod))
				.withGracePeriod(grace)
				.delete();
		}
		log.warn("pods still running {} s after the stop were deleted with a grace period of {} s: {}",
				Duration.between(started, Instant.now()).toSeconds(), grace, names);
		notes.add("pod(s) still running " + settings.podWaitTimeout().toSeconds()
				+ " s after the scale-down were deleted (grace period " + grace + " s): " + String.join(", ", names));
		List<Pod> stuck = waitFor(() -> activePods(client, namespaces),
				settings.leftoverPodGracePeriod().plus(settings.pollInterval()));
		if (!stuck.isEmpty()) {
			notes.add("pod(s) still terminating: " + String.join(", ",
					stuck.stream().map((p) -> p.getMetadata().getNamespace() + "/" + name(p)).toList()));
		}
	}

	/**
	 * Polls every {@code poll-interval} until the supplier gives an empty list or the
	 * timeout passes; the last list.
	 */
	<T> List<T> waitFor(Supplier<List<T>> remaining, Duration timeout) {
		Instant deadline = Instant.now().plus(timeout);
		List<T> left = remaining.get();
		while (!left.isEmpty() && Instant.now().isBefore(deadline)) {
			pause();
			left = remaining.get();
		}
		return left;
	}

	private List<String> awaitReady(List<Supplier<String>> checks) {
		return waitFor(() -> checks.stream().map(Supplier::get).filter(Objects::nonNull).toList(),
				settings.readinessTimeout());
	}

	private void pause() {
		try {
			Thread.sleep(settings.pollInterval().toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while waiting for the workspace's pods", ex);
		}
	}

	/** Pods that have not ended (terminating ones included). */
	static List<Pod> activePods(KubernetesClient client, List<String> namespaces) {
		List<Pod> pods = new ArrayList<>();
		for (String ns : namespaces) {
			client.pods()
				.inNamespace(ns)
				.list()
				.getItems()
				.stream()
				.filter((p) -> p.getStatus() == null
						|| !("Succeeded".equals(p.getStatus().getPhase()) || "Failed".equals(p.getStatus().getPhase())))
				.forEach(pods::add);
		}
		return pods;
	}

	private static Integer target(String recorded, String annotated) {
		String value = recorded != null ? recorded : annotated;
		if (value == null) {
			return null;
		}
		try {
			return Integer.valueOf(value.trim());
		}
		catch (NumberFormatException ex) {
			log.warn("ignoring replica count '{}' that is not a number", value);
			return null;
		}
	}

	private static boolean ready(Integer readyReplicas, int target) {
		return (readyReplicas == null ? 0 : readyReplicas) >= target;
	}

	private static int replicas(Integer replicas) {
		return replicas == null ? 1 : replicas;
	}

	static String key(String kind, HasMetadata object) {
		return kind + "/" + object.getMetadata().getNamespace() + "/" + name(object);
	}

	private static String namespaceOf(String key) {
		String[] parts = key.split("/");
		return parts.length == 3 ? parts[1] : "";
	}

	static String name(HasMetadata object) {
		return object.getMetadata().getName();
	}

	static String annotation(HasMetadata object, String name) {
		Map<String, String> annotations = object.getMetadata().getAnnotations();
		return annotations == null ? null : annotations.get(name);
	}

	private static Map<String, String> annotations(HasMetadata object) {
		if (object.getMetadata().getAnnotations() == null) {
			object.getMetadata().setAnnotations(new HashMap<>());
		}
		return object.getMetadata().getAnnotations();
	}

	/** What a stop changed, and the notes for the event log. */
	record Result(Map<String, String> changes, List<String> notes) {
	}

	/**
	 * An edit is a read then a write with the read's resourceVersion: a controller
	 * writing the same object in between (status, annotations) makes the API server
	 * answer 409 Conflict. Read and write again, a few times.
	 */
	private static void onConflictRetry(Runnable edit) {
		for (int attempt = 1;; attempt++) {
			try {
				edit.run();
				return;
			}
			catch (io.fabric8.kubernetes.client.KubernetesClientException ex) {
				if (ex.getCode() != 409 || attempt == 5) {
					throw ex;
				}
			}
		}
	}

}
