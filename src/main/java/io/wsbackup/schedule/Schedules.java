package io.wsbackup.schedule;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.wsbackup.system.WsbackupException;
import io.wsbackup.system.WsbackupProperties;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * The schedules of the schedules directory ({@code wsbackup.schedules-dir}), read and
 * validated when the runner starts: a bad file stops the start with the file, the line
 * and the problem.
 */
@Component
public class Schedules {

	private static final Logger log = LoggerFactory.getLogger(Schedules.class);

	private final WsbackupProperties properties;

	private final AtomicReference<Map<String, Schedule>> byName = new AtomicReference<>(Map.of());

	public Schedules(WsbackupProperties properties) {
		this.properties = properties;
		reload();
	}

	/**
	 * Reads the directory again.
	 * @throws ScheduleFileException on a bad file, leaving the schedules as they were
	 */
	public List<Schedule> reload() {
		List<Schedule> loaded = ScheduleFiles.load(properties.schedulesDir());
		byName.set(loaded.stream()
			.collect(Collectors.toMap(Schedule::name, Function.identity(), (a, b) -> a, java.util.LinkedHashMap::new)));
		log.info("{} schedule(s) read from {}: {}", loaded.size(), properties.schedulesDir(),
				loaded.stream().map(Schedule::name).toList());
		return loaded;
	}

	public List<Schedule> all() {
		return List.copyOf(byName.get().values());
	}

	public Optional<Schedule> find(String name) {
		return Optional.ofNullable(byName.get().get(name));
	}

	/**
	 * The schedule of that name.
	 * @throws WsbackupException {@code INVALID_ARGUMENT} without a name,
	 * {@code NOT_FOUND} when no file declares it
	 */
	public Schedule require(String name) {
		if (name == null || name.isBlank()) {
			throw WsbackupException.invalid("schedule is required");
		}
		return find(name).orElseThrow(() -> WsbackupException.notFound("schedule '" + name
				+ "' is not declared in the runner's schedule files; the schedules are: " + byName.get().keySet()));
	}

	/**
	 * Who a schedule's backups are created by:
	 * {@code crn:cdp:iam:<region>:<account>:schedule:<name>}; retention only ever looks
	 * at backups of this creator.
	 */
	public String creatorCrn(Schedule schedule) {
		return "crn:cdp:iam:" + properties.region() + ":" + properties.accountId() + ":schedule:" + schedule.name();
	}

}
