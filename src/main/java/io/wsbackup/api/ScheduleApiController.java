package io.wsbackup.api;

import java.util.List;
import java.util.Map;

import io.wsbackup.retention.RetentionPolicy;
import io.wsbackup.schedule.Schedule;
import io.wsbackup.schedule.ScheduleRunRepository.Run;
import io.wsbackup.schedule.ScheduleService;
import io.wsbackup.schedule.ScheduleService.ScheduleState;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The schedule operations of the RPC-style API: {@code listSchedules},
 * {@code pauseSchedule}, {@code resumeSchedule}, {@code triggerSchedule} and
 * {@code previewRetention}, each {@code POST /api/v1/ml/<operation>} with a JSON body.
 * Thin: the schedule service does the work.
 */
@RestController
@RequestMapping(path = "/api/v1/ml", produces = "application/json")
class ScheduleApiController {

	static final List<String> OPERATIONS = List.of("listSchedules", "pauseSchedule", "resumeSchedule",
			"triggerSchedule", "previewRetention");

	record ScheduleRequest(String schedule) {
	}

	record ListSchedules(String schedule) {
	}

	record RunView(String runId, String kind, String fireTime, String startedAt, String outcome, String message,
			Map<String, Integer> workspaces) {

		static RunView of(Run run) {
			return run == null ? null : new RunView(run.id(), run.kind(), Views.time(run.fireTime()),
					Views.time(run.startedAt()), run.outcome(), run.message(), run.items());
		}

	}

	/**
	 * A schedule as listed; {@code kind} is {@code backup} or {@code drill} (a drill
	 * schedule has no backup name, timeout or retention: those are {@code null}).
	 */
	record ScheduleView(String name, String kind, String cron, String timeZone, String workspaces, String backupName,
			String startWindow, String timeout, String stagger, int maxConcurrent, Integer keepLast, String maxAge,
			String state, String nextFireTime, RunView lastRun, String source) {

		static ScheduleView of(ScheduleState state) {
			Schedule s = state.schedule();
			return new ScheduleView(s.name(), s.kind().text(), s.cron(), s.timeZone().getId(),
					s.workspaces().toString(), s.backupName(), s.startWindow().toString(),
					s.timeout() == null ? null : s.timeout().toString(), s.stagger().toString(), s.maxConcurrent(),
					s.retention().keepLast(), s.retention().maxAge() == null ? null : s.retention().maxAge().toString(),
					state.state(), Views.time(state.nextFireTime()), RunView.of(state.lastRun()), s.source());
		}

	}

	record SchedulesResponse(List<ScheduleView> schedules) {
	}

	record ScheduleResponse(ScheduleView schedule) {
	}

	record TriggerResponse(String schedule, String runId) {
	}

	record DoomedView(String backupCrn, String backupName, String workspaceCrn, String createdAt, String backupStatus,
			String reason) {

		static DoomedView of(RetentionPolicy.Doomed d) {
			return new DoomedView(d.backup().crn().toString(), d.backup().name(), d.backup().workspaceCrn().toString(),
					Views.time(d.backup().createdAt()), d.backup().status().text(), d.reason());
		}

	}

	/** A backup the retention keeps although its rules alone would delete it, and why. */
	record KeptView(String backupCrn, String backupName, String workspaceCrn, String createdAt, String reason) {

		static KeptView of(RetentionPolicy.Kept k) {
			return new KeptView(k.backup().crn().toString(), k.backup().name(), k.backup().workspaceCrn().toString(),
					Views.time(k.backup().createdAt()), k.reason());
		}

	}

	record RetentionPreview(String schedule, List<DoomedView> toDelete, List<KeptView> kept) {
	}

	private final RequestReader reader;

	private final ScheduleService schedules;

	ScheduleApiController(RequestReader reader, ScheduleService schedules) {
		this.reader = reader;
		this.schedules = schedules;
	}

	@PostMapping("/listSchedules")
	SchedulesResponse listSchedules(@RequestBody(required = false) String body) {
		var r = reader.read("listSchedules", body, ListSchedules.class);
		List<ScheduleState> listed = (r.schedule() == null) ? schedules.list()
				: List.of(schedules.describe(r.schedule()));
		return new SchedulesResponse(listed.stream().map(ScheduleView::of).toList());
	}

	@PostMapping("/pauseSchedule")
	ScheduleResponse pauseSchedule(@RequestBody(required = false) String body) {
		var r = reader.read("pauseSchedule", body, ScheduleRequest.class);
		return new ScheduleResponse(ScheduleView.of(schedules.pause(r.schedule())));
	}

	@PostMapping("/resumeSchedule")
	ScheduleResponse resumeSchedule(@RequestBody(required = false) String body) {
		var r = reader.read("resumeSchedule", body, ScheduleRequest.class);
		return new ScheduleResponse(ScheduleView.of(schedules.resume(r.schedule())));
	}

	@PostMapping("/triggerSchedule")
	TriggerResponse triggerSchedule(@RequestBody(required = false) String body) {
		var r = reader.read("triggerSchedule", body, ScheduleRequest.class);
		return new TriggerResponse(r.schedule(), schedules.trigger(r.schedule()));
	}

	@PostMapping("/previewRetention")
	RetentionPreview previewRetention(@RequestBody(required = false) String body) {
		var r = reader.read("previewRetention", body, ScheduleRequest.class);
		var preview = schedules.previewRetention(r.schedule());
		return new RetentionPreview(r.schedule(), preview.doomed().stream().map(DoomedView::of).toList(),
				preview.kept().stream().map(KeptView::of).toList());
	}

}
