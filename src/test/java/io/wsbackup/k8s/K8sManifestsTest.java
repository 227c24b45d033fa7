package io.wsbackup.k8s;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.wsbackup.schedule.Schedule;
import io.wsbackup.schedule.ScheduleFiles;
import io.wsbackup.system.WsbackupProperties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertiesPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * All of {@code k8s/} parses with fabric8, and its names agree with each other, with the
 * runner's own configuration (health groups, port, settings, schedule and job files),
 * with the Dockerfile and with the deployment guide, docs/deploy.md.
 */
class K8sManifestsTest {

	/** What the runner's metrics expose (the contract the alert rule depends on). */
	static final String LAST_SUCCESS_METRIC = "wsbackup_backup_last_success_timestamp_seconds";

	private static K8sDirectory k8s;

	private static Properties application;

	private static Deployment deployment;

	private static PodSpec pod;

	private static Container runner;

	@BeforeAll
	static void read() {
		k8s = new K8sDirectory();
		application = K8sDirectory.properties(Path.of("src/main/resources/application.properties"));
		deployment = k8s.one(Deployment.class);
		pod = deployment.getSpec().getTemplate().getSpec();
		assertThat(pod.getContainers()).hasSize(1);
		runner = pod.getContainers().get(0);
	}

	@Test
	void everyFileOfK8sIsListedByAKustomizationAndEveryListedFileExists() {
		assertThat(k8s.kustomizations).containsKey(K8sDirectory.ROOT);
		assertThat(k8s.missing).as("files a kustomization lists that do not exist").isEmpty();
		Set<Path> accounted = new LinkedHashSet<>(k8s.manifests.keySet());
		k8s.kustomizations.keySet().forEach((dir) -> accounted.add(dir.resolve("kustomization.yaml")));
		k8s.generatedConfigMaps.values().forEach((files) -> accounted.addAll(files.values()));
		accounted.add(K8sDirectory.ROOT.resolve("README.md"));

		assertThat(K8sDirectory.files()).as("files of k8s/ that no kustomization uses")
			.allSatisfy((file) -> assertThat(accounted).contains(file));
	}

	@Test
	void everyManifestParsesWithFabric8WithNoFieldItDoesNotKnow() {
		assertThat(k8s.manifests).isNotEmpty().allSatisfy((file, objects) -> {
			assertThat(objects).as(file.toString()).isNotEmpty().allSatisfy((object) -> {
				assertThat(object.getMetadata().getName()).as(file + ": a name").isNotBlank();
				assertThat(K8sDirectory.unknownFields(object)).as(file + ": fields fabric8's model does not know")
					.isEmpty();
			});
		});
		assertThat(k8s.objects()).extracting(HasMetadata::getKind)
			.contains("Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Deployment", "Service",
					"PodDisruptionBudget", "PrometheusRule", "ServiceMonitor");
		assertThat(k8s.all(GenericKubernetesResource.class)).extracting(HasMetadata::getKind)
			.as("only the Prometheus Operator's kinds are untyped")
			.containsExactlyInAnyOrder("PrometheusRule", "ServiceMonitor");
	}

	@Test
	void everyNamespacedObjectIsInTheRunnersNamespace() {
		String ns = k8s.one(Namespace.class).getMetadata().getName();
		assertThat(k8s.objects())
			.filteredOn((o) -> !Set.of("Namespace", "ClusterRole", "ClusterRoleBinding").contains(o.getKind()))
			.allSatisfy((o) -> assertThat(o.getMetadata().getNamespace()).as(o.getKind()).isEqualTo(ns));
		for (Map<String, Object> kustomization : k8s.kustomizations.values()) {
			assertThat(kustomization).as("namespaces are written in the files, not set by kustomize")
				.doesNotContainKey("namespace");
		}
	}

	@Test
	void twoReplicasOnDifferentNodesSelectedByTheServiceAndTheDisruptionBudget() {
		Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
		assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
		assertThat(podLabels).containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());

		assertThat(podLabels).containsAllEntriesOf(k8s.one(Service.class).getSpec().getSelector());
		PodDisruptionBudget pdb = k8s.one(PodDisruptionBudget.class);
		assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
		assertThat(pdb.getSpec().getSelector().getMatchExpressions()).isNullOrEmpty();
		assertThat(podLabels).containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());

		var antiAffinity = pod.getAffinity().getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
		assertThat(antiAffinity).singleElement().satisfies((term) -> {
			assertThat(term.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
			assertThat(podLabels).containsAllEntriesOf(term.getLabelSelector().getMatchLabels());
		});
		assertThat(pod.getTopologySpreadConstraints())
			.allSatisfy((c) -> assertThat(podLabels).containsAllEntriesOf(c.getLabelSelector().getMatchLabels()));
		assertThat(deployment.getSpec().getStrategy().getRollingUpdate().getMaxSurge().getIntVal())
			.as("no third pod: the anti-affinity would find no node for it on two nodes")
			.isZero();
	}

	@Test
	void probesAreOnTheHealthGroupsOfApplicationProperties() {
		Map<String, String> groups = new HashMap<>();
		Pattern group = Pattern.compile("management\\.endpoint\\.health\\.group\\.([a-z-]+)\\.include");
		for (String key : application.stringPropertyNames()) {
			Matcher m = group.matcher(key);
			if (m.matches()) {
				groups.put(m.group(1), application.getProperty(key));
			}
		}
		assertThat(groups).containsKeys("liveness", "readiness");

		assertThat(path(runner.getLivenessProbe())).isEqualTo("/actuator/health/liveness");
		assertThat(path(runner.getReadinessProbe())).isEqualTo("/actuator/health/readiness");
		assertThat(path(runner.getStartupProbe())).isEqualTo("/actuator/health/liveness");
		assertThat(groups.get("liveness")).as("liveness never depends on the store").doesNotContain("db");
		assertThat(groups.get("readiness")).contains("db");
		for (Probe probe : List.of(runner.getLivenessProbe(), runner.getReadinessProbe(), runner.getStartupProbe())) {
			assertThat(
					containerPort(probe.getHttpGet().getPort().getStrVal(), probe.getHttpGet().getPort().getIntVal()))
				.isEqualTo(serverPort());
		}
		assertThat(runner.getStartupProbe().getPeriodSeconds() * runner.getStartupProbe().getFailureThreshold())
			.as("seconds for a first start with its Flyway migrations")
			.isGreaterThanOrEqualTo(120);
	}

	@Test
	void theContainerServesServerPortAndTheServiceAndServiceMonitorReachIt() {
		assertThat(runner.getPorts()).singleElement().satisfies((port) -> {
			assertThat(port.getContainerPort()).isEqualTo(serverPort());
			assertThat(port.getName()).isEqualTo("http");
		});
		Service service = k8s.one(Service.class);
		assertThat(service.getSpec().getPorts()).singleElement().satisfies((port) -> {
			assertThat(containerPort(port.getTargetPort().getStrVal(), port.getTargetPort().getIntVal()))
				.isEqualTo(serverPort());
			assertThat(monitor().get("selector")).isEqualTo(Map.of("matchLabels", service.getMetadata().getLabels()));
			assertThat(endpoint()).containsEntry("port", port.getName()).containsEntry("path", "/actuator/prometheus");
		});
	}

	@Test
	void configMapsTheDeploymentUsesAreGeneratedAndSecretsAreDefinedOrDocumentedWithTheirKeys() throws IOException {
		Set<String> configMaps = new LinkedHashSet<>();
		Map<String, Set<String>> secrets = new LinkedHashMap<>();
		for (Volume volume : pod.getVolumes()) {
			if (volume.getConfigMap() != null) {
				configMaps.add(volume.getConfigMap().getName());
			}
			if (volume.getSecret() != null) {
				secrets.computeIfAbsent(volume.getSecret().getSecretName(), (k) -> new LinkedHashSet<>());
			}
			assertThat(volume.getHostPath()).as("no hostPath").isNull();
		}
		for (EnvVar env : runner.getEnv()) {
			if (env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null) {
				secrets.computeIfAbsent(env.getValueFrom().getSecretKeyRef().getName(), (k) -> new LinkedHashSet<>())
					.add(env.getValueFrom().getSecretKeyRef().getKey());
			}
			if (env.getValueFrom() != null && env.getValueFrom().getConfigMapKeyRef() != null) {
				configMaps.add(env.getValueFrom().getConfigMapKeyRef().getName());
			}
		}
		for (EnvFromSource from : runner.getEnvFrom()) {
			if (from.getConfigMapRef() != null) {
				configMaps.add(from.getConfigMapRef().getName());
			}
			if (from.getSecretRef() != null) {
				secrets.computeIfAbsent(from.getSecretRef().getName(), (k) -> new LinkedHashSet<>());
			}
		}
		@SuppressWarnings("unchecked")
		Map<String, String> credentials = (Map<String, String>) ((Map<String, Object>) endpoint().get("authorization"))
			.get("credentials");
		secrets.computeIfAbsent(credentials.get("name"), (k) -> new LinkedHashSet<>()).add(credentials.get("key"));

		Set<String> defined = new LinkedHashSet<>(k8s.generatedConfigMaps.keySet());
		k8s.all(ConfigMap.class).forEach((c) -> defined.add(c.getMetadata().getName()));
		assertThat(defined).containsAll(configMaps);
		assertThat(configMaps).as("every generated ConfigMap is used").containsAll(k8s.generatedConfigMaps.keySet());

		String deploy = deploySection();
		Set<String> definedSecrets = new LinkedHashSet<>();
		k8s.all(Secret.class).forEach((s) -> definedSecrets.add(s.getMetadata().getName()));
		assertThat(secrets).isNotEmpty().allSatisfy((name, keys) -> {
			if (!definedSecrets.contains(name)) {
				assertThat(deploy).as("docs/deploy.md says how to create the Secret " + name)
					.contains("kubectl -n wsbackup create secret generic " + name);
				keys.forEach((key) -> assertThat(deploy).as("the key " + key + " of " + name)
					.containsPattern(
							"create secret generic " + name + "[^\\n]*(\\\\\\n[^\\n]*)*--from-literal=" + key + "="));
			}
		});
	}

	@Test
	void theServiceAccountOfThePodsIsTheSubjectOfTheBindingAndCarriesTheAwsRoleAnnotation() {
		ServiceAccount account = k8s.one(ServiceAccount.class);
		assertThat(pod.getServiceAccountName()).isEqualTo(account.getMetadata().getName());
		assertThat(pod.getAutomountServiceAccountToken()).isNotEqualTo(Boolean.FALSE);
		ClusterRoleBinding binding = k8s.one(ClusterRoleBinding.class);
		assertThat(binding.getSubjects()).singleElement().satisfies((subject) -> {
			assertThat(subject.getKind()).isEqualTo("ServiceAccount");
			assertThat(subject.getName()).isEqualTo(account.getMetadata().getName());
			assertThat(subject.getNamespace()).isEqualTo(account.getMetadata().getNamespace());
		});
		assertThat(binding.getRoleRef().getKind()).isEqualTo("ClusterRole");
		assertThat(binding.getRoleRef().getName()).isEqualTo(k8s.one(ClusterRole.class).getMetadata().getName());
		assertThat(account.getMetadata().getAnnotations()).hasEntrySatisfying("eks.amazonaws.com/role-arn",
				(arn) -> assertThat(arn).matches("arn:aws:iam::\\d{12}:role/[\\w+=,.@-]+"));
	}

	@Test
	void theSchedulesConfigMapHoldsSchedulesTheRunnerAcceptsWhereItLooksForThem(@TempDir Path tmp) throws IOException {
		Map<String, Path> files = k8s.generatedConfigMaps.get(volume("schedules").getConfigMap().getName());
		assertThat(files).isNotEmpty();
		// what the kubelet makes of a ConfigMap volume: the keys are links into a ..data
		// directory
		Path mount = tmp.resolve("schedules");
		Path data = Files.createDirectories(mount.resolve("..2026_11_21_12_00_00.000000001"));
		Files.createSymbolicLink(mount.resolve("..data"), data.getFileName());
		for (Map.Entry<String, Path> file : files.entrySet()) {
			Files.copy(file.getValue(), data.resolve(file.getKey()));
			Files.createSymbolicLink(mount.resolve(file.getKey()), Path.of("..data", file.getKey()));
		}

		List<Schedule> schedules = ScheduleFiles.load(mount);

		assertThat(schedules).isNotEmpty();
		assertThat(schedules).extracting(Schedule::name).doesNotHaveDuplicates();
		assertThat(mountPath("schedules")).isEqualTo(settings().schedulesDir().toString());
	}

	@Test
	void theJobSettingsConfigMapHasTheKeysOfTheJobsPropertiesAndSitsWhereSpringConfigImportReadsIt()
			throws IOException {
		Map<String, Path> files = k8s.generatedConfigMaps.get(volume("jobs").getConfigMap().getName());
		List<Path> jobs;
		try (Stream<Path> list = Files.list(Path.of("jobs"))) {
			jobs = list.filter((p) -> p.toString().endsWith(".properties")).sorted().toList();
		}
		assertThat(jobs).isNotEmpty();
		assertThat(files.keySet())
			.containsExactlyInAnyOrderElementsOf(jobs.stream().map((p) -> p.getFileName().toString()).toList());
		for (Path job : jobs) {
			assertThat(K8sDirectory.properties(files.get(job.getFileName().toString())).stringPropertyNames())
				.as(job.toString())
				.containsExactlyInAnyOrderElementsOf(K8sDirectory.properties(job).stringPropertyNames());
			assertThat(application.getProperty("spring.config.import")).as("the jar imports " + job)
				.contains("file:./jobs/" + job.getFileName());
		}
		assertThat(Path.of(runner.getWorkingDir()).resolve("jobs").toString()).isEqualTo(mountPath("jobs"));
	}

	@Test
	void settingsConfigMapIsWhereSpringBootReadsItAndSelectsAwsAndKubernetes() {
		Map<String, Path> files = k8s.generatedConfigMaps.get(volume("config").getConfigMap().getName());
		assertThat(files).containsOnlyKeys("application.properties");
		assertThat(Path.of(runner.getWorkingDir()).resolve("config").toString())
			.as("Spring Boot reads ./config/application.properties")
			.isEqualTo(mountPath("config"));

		WsbackupProperties settings = settings();

		assertThat(settings.cloud().provider()).isEqualTo("aws");
		assertThat(settings.workloads().provider()).isEqualTo("kubernetes");
		assertThat(settings.cloud().aws().region()).isNotBlank().isEqualTo(settings.region());
		assertThat(settings.cloud().aws().iamRoleArn()).matches("arn:aws:iam::\\d{12}:role/[\\w+=,.@-]+");
		assertThat(settings.accountId()).matches("\\d{12}");
		assertThat(settings.dataDir().toString()).isEqualTo(mountPath("data"));
		assertThat(volume("data").getEmptyDir()).isNotNull();
	}

	@Test
	void theStoreAndTheTokensComeFromSecretsInTheNamesTheRunnerReads() throws IOException {
		assertThat(env("SPRING_PROFILES_ACTIVE").getValue()).isEqualTo("mysql");
		String mysql = Files.readString(Path.of("src/main/resources/application-mysql.properties"));
		Matcher placeholder = Pattern.compile("\\$\\{(WSBACKUP_DB_[A-Z]+):").matcher(mysql);
		List<String> dbVariables = new ArrayList<>();
		while (placeholder.find()) {
			dbVariables.add(placeholder.group(1));
		}
		assertThat(dbVariables).containsExactlyInAnyOrder("WSBACKUP_DB_URL", "WSBACKUP_DB_USER",
				"WSBACKUP_DB_PASSWORD");
		dbVariables.forEach((name) -> assertThat(env(name).getValueFrom().getSecretKeyRef()).as(name).isNotNull());

		List<Token> tokens = binder().bind("wsbackup.security.tokens", Bindable.listOf(Token.class)).get();

		assertThat(tokens).extracting(Token::role).containsExactly("admin", "viewer");
		assertThat(tokens).allSatisfy((token) -> {
			assertThat(token.name()).isNotBlank();
			assertThat(token.sha256()).startsWith("secret:");
		});
	}

	@Test
	void theRunnerRunsAsItsImagesNonRootUserOnAReadOnlyRootWithWritableTmpAndDataDir() throws IOException {
		String dockerfile = Files.readString(Path.of("Dockerfile"));
		assertThat(dockerfile).containsPattern("(?m)^FROM eclipse-temurin:25-jre$");
		assertThat(dockerfile).containsPattern("(?m)^WORKDIR " + Pattern.quote(runner.getWorkingDir()) + "$");
		assertThat(dockerfile).containsPattern("(?m)^EXPOSE " + serverPort() + "$");
		assertThat(dockerfile).containsPattern("(?m)^USER " + pod.getSecurityContext().getRunAsUser() + ":"
				+ pod.getSecurityContext().getRunAsGroup() + "$");
		assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
		assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
		assertThat(runner.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
		assertThat(runner.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
		assertThat(runner.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
		assertThat(volume("tmp").getEmptyDir()).isNotNull();
		assertThat(mountPath("tmp")).isEqualTo("/tmp");
		assertThat(runner.getVolumeMounts()).filteredOn((m) -> !List.of("tmp", "data").contains(m.getName()))
			.allSatisfy((m) -> assertThat(m.getReadOnly()).as(m.getName()).isTrue());
	}

	@Test
	void resourcesHaveRequestsAndLimitsAndTheHeapLeavesRoomInTheLimit() {
		var resources = runner.getResources();
		assertThat(resources.getRequests()).containsKeys("cpu", "memory");
		assertThat(resources.getLimits()).containsKeys("cpu", "memory");
		long request = resources.getRequests().get("memory").getNumericalAmount().longValueExact();
		long limit = resources.getLimits().get("memory").getNumericalAmount().longValueExact();
		assertThat(request).isLessThanOrEqualTo(limit);
		Matcher percent = Pattern.compile("-XX:MaxRAMPercentage=(\\d+)").matcher(env("JDK_JAVA_OPTIONS").getValue());
		assertThat(percent.find()).isTrue();
		long heap = limit * Long.parseLong(percent.group(1)) / 100;
		assertThat(limit - heap).as("bytes of the limit left to metaspace, code cache, threads and buffers")
			.isGreaterThanOrEqualTo(256L * 1024 * 1024);
	}

	@Test
	void theGracePeriodLeavesTimeForThePreStopAndASpringShutdownPhase() {
		List<String> preStop = runner.getLifecycle().getPreStop().getExec().getCommand();
		assertThat(preStop).hasSize(2).first().isEqualTo("sleep");
		assertThat(pod.getTerminationGracePeriodSeconds()).isGreaterThan(
				Long.parseLong(preStop.get(1)) + 30 /* timeout-per-shutdown-phase */);
		assertThat(application.getProperty("server.shutdown", "graceful")).isEqualTo("graceful");
	}

	@Test
	void theAlertRuleWatchesTheContractMetricFor26Hours() {
		Map<String, Object> spec = spec("PrometheusRule");
		List<Map<String, Object>> rules = new ArrayList<>();
		for (Map<String, Object> group : list(spec.get("groups"))) {
			rules.addAll(list(group.get("rules")));
		}
		assertThat(rules).extracting((r) -> r.get("alert")).doesNotContainNull().doesNotHaveDuplicates();

		assertThat(rules).filteredOn((r) -> String.valueOf(r.get("expr")).contains(LAST_SUCCESS_METRIC))
			.singleElement()
			.satisfies((rule) -> {
				String expr = String.valueOf(rule.get("expr"));
				assertThat(expr).containsPattern("\\b" + LAST_SUCCESS_METRIC + "\\b(?![_a-z])");
				assertThat(expr).contains("by (workspace)").containsPattern("> 26 \\* 3600$");
				assertThat(String.valueOf(((Map<?, ?>) rule.get("annotations")).get("summary")))
					.contains("{{ $labels.workspace }}");
			});
		assertThat(rules)
			.filteredOn((r) -> String.valueOf(r.get("expr"))
				.contains("up{job=\"" + k8s.one(Service.class).getMetadata().getName() + "\""))
			.hasSize(1);
	}

	@Test
	void theReadmeDeploySectionNamesEveryFileOfK8s() {
		String deploy = deploySection();
		for (Path file : K8sDirectory.files()) {
			String relative = K8sDirectory.ROOT.relativize(file).toString();
			if (!relative.equals("README.md")) {
				assertThat(deploy).as("docs/deploy.md names k8s/" + relative).contains(relative);
			}
		}
		assertThat(deploy).contains("kubectl apply -k k8s/").contains("Dockerfile");
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> spec(String kind) {
		return (Map<String, Object>) k8s.generic(kind).getAdditionalProperties().get("spec");
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> list(Object value) {
		assertThat(value).isInstanceOf(List.class);
		return (List<Map<String, Object>>) value;
	}

	private static Map<String, Object> monitor() {
		return spec("ServiceMonitor");
	}

	private static Map<String, Object> endpoint() {
		List<Map<String, Object>> endpoints = list(monitor().get("endpoints"));
		assertThat(endpoints).hasSize(1);
		return endpoints.get(0);
	}

	/**
	 * The runner's settings as the pod gives them: its environment and the settings
	 * ConfigMap.
	 */
	private static WsbackupProperties settings() {
		return binder().bind("wsbackup", Bindable.of(WsbackupProperties.class)).get();
	}

	private static Binder binder() {
		Map<String, Object> environment = new LinkedHashMap<>();
		for (EnvVar env : runner.getEnv()) {
			environment.put(env.getName(), env.getValue() != null ? env.getValue()
					: "secret:" + env.getValueFrom().getSecretKeyRef().getKey());
		}
		MutablePropertySources sources = new MutablePropertySources();
		// named like the real one: Spring Boot maps WSBACKUP_X_0_Y to wsbackup.x[0].y in
		// that source only
		sources.addLast(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
				environment));
		Path config = k8s.generatedConfigMaps.get(volume("config").getConfigMap().getName())
			.get("application.properties");
		sources.addLast(new PropertiesPropertySource("k8s/config", K8sDirectory.properties(config)));
		return new Binder(ConfigurationPropertySources.from(sources));
	}

	/** The deployment guide, docs/deploy.md (the README links to it). */
	private static String deploySection() {
		try {
			String guide = Files.readString(Path.of("docs", "deploy.md"));
			assertThat(Files.readString(Path.of("README.md"))).as("the README links the deployment guide")
				.contains("(docs/deploy.md)");
			return guide;
		}
		catch (IOException ex) {
			throw new AssertionError(ex);
		}
	}

	private static String path(Probe probe) {
		assertThat(probe).isNotNull();
		return probe.getHttpGet().getPath();
	}

	private static int serverPort() {
		return Integer.parseInt(application.getProperty("server.port"));
	}

	/** The container port a probe or Service names, by name or by number. */
	private static Integer containerPort(String name, Integer number) {
		if (name == null) {
			return number;
		}
		return runner.getPorts()
			.stream()
			.filter((p) -> name.equals(p.getName()))
			.map((p) -> p.getContainerPort())
			.findFirst()
			.orElse(null);
	}

	private static EnvVar env(String name) {
		return runner.getEnv()
			.stream()
			.filter((e) -> name.equals(e.getName()))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no env " + name + " in the runner container"));
	}

	private static Volume volume(String name) {
		return pod.getVolumes()
			.stream()
			.filter((v) -> name.equals(v.getName()))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no volume " + name));
	}

	private static String mountPath(String volume) {
		return runner.getVolumeMounts()
			.stream()
			.filter((m) -> volume.equals(m.getName()))
			.map(VolumeMount::getMountPath)
			.filter(Objects::nonNull)
			.findFirst()
			.orElseThrow(() -> new AssertionError("volume " + volume + " is not mounted"));
	}

	/** One {@code wsbackup.security.tokens[i]} entry (the security contract). */
	record Token(String name, String role, String sha256) {
	}

}
