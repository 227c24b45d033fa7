package io.wsbackup.api;

import java.util.List;

import io.wsbackup.cloud.PrerequisiteCheck;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/ml/checkPrerequisites} with {@code {"workspaceCrn"}}: what is
 * missing before the workspace can be backed up (account, region, the backup role, the
 * opt-in, the vault, each resource), as {@code {"workspaceCrn", "missing": [...], "ok"}}.
 * Thin, read-only, errors as {@link ApiErrors} maps them.
 */
@RestController
@RequestMapping(path = "/api/v1/ml", produces = "application/json")
class PrerequisitesController {

	private final RequestReader reader;

	private final PrerequisiteCheck prerequisites;

	PrerequisitesController(RequestReader reader, PrerequisiteCheck prerequisites) {
		this.reader = reader;
		this.prerequisites = prerequisites;
	}

	record CheckPrerequisites(String workspaceCrn) {

	}

	record PrerequisitesResponse(String workspaceCrn, List<String> missing, boolean ok) {

	}

	@PostMapping("/checkPrerequisites")
	PrerequisitesResponse checkPrerequisites(@RequestBody(required = false) String body) {
		var r = reader.read("checkPrerequisites", body, CheckPrerequisites.class);
		PrerequisiteCheck.Result result = prerequisites.check(r.workspaceCrn());
		return new PrerequisitesResponse(result.workspaceCrn(), result.missing(), result.ok());
	}

}
