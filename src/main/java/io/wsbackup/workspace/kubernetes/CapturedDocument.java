package io.wsbackup.workspace.kubernetes;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.wsbackup.workspace.CapturedWorkloads;

/**
 * The document of format {@code kubernetes/v1} that a backup stores: the workspace's
 * cleaned manifests and where each of its claims kept its data. JSON.
 *
 * @param format always {@link #FORMAT}
 * @param workspaceName the name of the workspace captured (namespaces of a restore are
 * named by replacing it)
 * @param kubeContext the kubeconfig context it ran in, or {@code null}
 * @param namespaces its namespaces
 * @param objects the cleaned manifests: Deployments, StatefulSets, CronJobs, Services,
 * ConfigMaps, ServiceAccounts, PersistentVolumeClaims; replicas and {@code suspend} as
 * they were before the stop
 * @param storage where each bound claim kept its data
 * @param externalNfs sentences naming the claims on external NFS, which the backup does
 * not protect
 */
record CapturedDocument(String format, String workspaceName, String kubeContext, List<String> namespaces,
		List<Map<String, Object>> objects, List<ClaimStorage> storage, List<String> externalNfs) {

	static final String FORMAT = "kubernetes/v1";

	private static final KubernetesSerialization JSON = new KubernetesSerialization();

	CapturedDocument {
		namespaces = namespaces == null ? List.of() : List.copyOf(namespaces);
		objects = objects == null ? List.of() : List.copyOf(objects);
		storage = storage == null ? List.of() : List.copyOf(storage);
		externalNfs = externalNfs == null ? List.of() : List.copyOf(externalNfs);
	}

	CapturedWorkloads toCaptured() {
		return new CapturedWorkloads(FORMAT, JSON.asJson(this));
	}

	/**
	 * @throws IllegalArgumentException when the captured workloads were not written by
	 * this adapter
	 */
	static CapturedDocument of(CapturedWorkloads captured) {
		if (!FORMAT.equals(captured.format())) {
			throw new IllegalArgumentException("the backup captured its workloads as '" + captured.format()
					+ "', not as " + FORMAT + "; the kubernetes workload adapter cannot recreate them");
		}
		return JSON.unmarshal(captured.document(), CapturedDocument.class);
	}

	static KubernetesSerialization json() {
		return JSON;
	}

}
