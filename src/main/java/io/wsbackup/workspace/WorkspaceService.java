package io.wsbackup.workspace;

import java.time.Clock;
import java.util.List;
import java.util.regex.Pattern;

import io.wsbackup.system.WsbackupException;
import io.wsbackup.system.WsbackupProperties;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Registers workspaces and finds them by CRN or by name within an environment. */
@Service
public class WorkspaceService {

	private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,48}[a-z0-9])?");

	private final WorkspaceRepository workspaces;

	private final WsbackupProperties properties;

	private final Clock clock;

	private final StorageAdmission storageAdmission;

	public WorkspaceService(WorkspaceRepository workspaces, WsbackupProperties properties, Clock clock,
			StorageAdmission storageAdmission) {
		this.workspaces = workspaces;
		this.properties = properties;
		this.clock = clock;
		this.storageAdmission = storageAdmission;
	}

	/**
	 * Registers a workspace in {@code installation:finished}, in the runner's account and
	 * region unless given. Its storage may be left out when it names namespaces: the
	 * {@code kubernetes} workload adapter then finds it from their claims.
	 * @throws WsbackupException {@code INVALID_ARGUMENT} or {@code ALREADY_EXISTS}, with
	 * nothing written
	 */
	@Transactional
	public Workspace register(String name, String environmentName, String accountId, String region, String version,
			WorkspaceStorage storage, WorkloadLocation workloads) {
		require(name, "workspaceName");
		checkName(name, "workspaceName");
		WorkspaceFields.environmentName(environmentName, "environmentName");
		WorkspaceFields.accountId(accountId);
		WorkspaceFields.region(region);
		WorkspaceFields.version(version);
		WorkspaceFields.storage(storage.volumes(), storage.sharedFileSystem());
		if (workloads != null) {
			WorkspaceFields.workloads(workloads.namespaces(), workloads.namespaceSelector(), workloads.kubeContext());
		}
		boolean discoverable = workloads != null && (!workloads.namespaces().isEmpty()
				|| (workloads.namespaceSelector() != null && !workloads.namespaceSelector().isBlank()));
		if (storage.protectedResources().isEmpty() && !discoverable) {
			throw WsbackupException.invalid("a workspace needs storage to back up: give volumes or sharedFileSystem, "
					+ "or namespaces (or namespaceSelector) for the kubernetes workloads provider to find it");
		}
		// one registration at a time reads the others' storage and inserts its own
		workspaces.lockStorageAdmission();
		StorageAdmission.Admitted admitted = storageAdmission.admitStorage(storage, workspaces.list(null));
		if (!admitted.problems().isEmpty()) {
			throw WsbackupException.invalid("the storage of workspace " + name + " cannot be backed up: "
					+ String.join("; ", admitted.problems()));
		}
		storage = admitted.storage();
		Crn crn;
		try {
			crn = Crn.newWorkspace(region == null ? properties.region() : region,
					accountId == null ? properties.accountId() : accountId);
		}
		catch (IllegalArgumentException ex) {
			throw WsbackupException.invalid("accountId or region cannot be part of a CRN: " + ex.getMessage());
		}
		Workspace workspace = new Workspace(crn, name, environmentName, crn.accountId(), crn.region(),
				version == null ? properties.workspaceVersion() : version, WorkspaceStatus.INSTALLATION_FINISHED,
				storage, clock.instant(), null, workloads, null);
		try {
			workspaces.insert(workspace);
		}
		catch (DuplicateKeyException taken) {
			throw WsbackupException
				.alreadyExists("environment " + environmentName + " already has a workspace named " + name);
		}
		if (!admitted.notes().isEmpty()) {
			workspaces.setWarnings(crn, admitted.notes());
		}
		return workspace;
	}

	/**
	 * Checks a new workspace's name.
	 * @throws WsbackupException {@code INVALID_ARGUMENT} saying what a name may be
	 */
	public static void checkName(String name, String field) {
		if (name == null || !NAME.matcher(name).matches()) {
			throw WsbackupException.invalid(field + " '" + name
					+ "' is not valid: use 1 to 50 lower-case letters, digits and '-', starting and ending with a letter or digit");
		}
	}

	/**
	 * The account and region of an environment: those of its workspaces, or this runner's
	 * defaults for an environment that has none yet.
	 * @return {@code [accountId, region]}
	 */
	public String[] environmentLocation(String environmentName) {
		return workspaces.list(environmentName)
			.stream()
			.findFirst()
			.map((w) -> new String[] { w.accountId(), w.region() })
			.orElse(new String[] { properties.accountId(), properties.region() });
	}

	public List<Workspace> list(String environmentName) {
		return workspaces.list(environmentName);
	}

	/**
	 * Finds a workspace by its CRN, or by its name and environment.
	 * @throws WsbackupException {@code INVALID_ARGUMENT} or {@code NOT_FOUND}
	 */
	public Workspace find(String workspaceCrn, String workspaceName, String environmentName) {
		if (workspaceCrn != null && !workspaceCrn.isBlank()) {
			if (workspaceName != null || environmentName != null) {
				throw WsbackupException
					.invalid("give either workspaceCrn, or workspaceName and environmentName, not both");
			}
			Crn crn = Crn.parseField(workspaceCrn, Crn.WORKSPACE, "workspaceCrn");
			return workspaces.find(crn)
				.orElseThrow(() -> WsbackupException.notFound("workspace " + workspaceCrn + " is not registered"));
		}
		if (workspaceName == null || environmentName == null) {
			throw WsbackupException.invalid("give workspaceCrn, or workspaceName and environmentName");
		}
		return workspaces.findByName(environmentName, workspaceName)
			.orElseThrow(() -> WsbackupException
				.notFound("environment " + environmentName + " has no workspace named " + workspaceName));
	}

	private static void require(String value, String field) {
		if (value == null || value.isBlank()) {
			throw WsbackupException.invalid(field + " is required");
		}
	}

}
