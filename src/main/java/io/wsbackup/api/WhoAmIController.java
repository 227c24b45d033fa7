package io.wsbackup.api;

import io.wsbackup.system.WsbackupProperties;
import io.wsbackup.system.security.Callers;
import io.wsbackup.system.security.SecurityConfiguration;

import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/whoami}: the caller's name, role ({@code admin}, {@code viewer}, or
 * null for a JWT without either) and the creator CRN its backups get. The web console
 * asks it to know which actions to offer.
 */
@RestController
class WhoAmIController {

	record WhoAmI(String name, String role, String creatorCrn) {
	}

	private final WsbackupProperties properties;

	WhoAmIController(WsbackupProperties properties) {
		this.properties = properties;
	}

	@GetMapping(path = SecurityConfiguration.WHOAMI, produces = "application/json")
	WhoAmI whoami(Authentication authentication) {
		Callers.Caller caller = Callers.of(authentication).orElseThrow();
		return new WhoAmI(caller.name(), (caller.role() == null) ? null : caller.role().text(),
				Callers.creatorCrn(properties, caller.name()));
	}

}
