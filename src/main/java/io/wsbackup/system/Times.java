package io.wsbackup.system;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * Converts instants to and from the store's UTC {@code DATETIME} columns, whatever the
 * JVM's time zone, at the millisecond precision the columns keep.
 */
public final class Times {

	private Times() {
	}

	public static LocalDateTime toDb(Instant instant) {
		return instant == null ? null : LocalDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MILLIS), ZoneOffset.UTC);
	}

	public static Instant fromDb(LocalDateTime value) {
		return value == null ? null : value.toInstant(ZoneOffset.UTC);
	}

}
