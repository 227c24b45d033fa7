package io.wsbackup.catalog;

import java.time.Instant;
import java.util.Arrays;

/**
 * How a backup was last proven restorable where it lies (job {@code verifyBackup}), as
 * the catalog keeps it beside the backup.
 *
 * @param status where its verification stands
 * @param lastVerifiedAt when its last verification ended, or {@code null} when none did
 * @param failure what the last verification found wrong (one line per problem), or
 * {@code null} unless it failed
 * @param verifiedBy how the last verification that ended was made: {@code in-place} (job
 * {@code verifyBackup}) or {@code drill} (job {@code drillBackup}: restored into a
 * scratch workspace and checked there), or {@code null}
 * @param seconds how long that verification took, or {@code null} when not recorded
 */
public record Verification(Status status, Instant lastVerifiedAt, String failure, String verifiedBy, Long seconds) {

	/** A backup never verified. */
	public static final Verification NEVER = new Verification(Status.NEVER, null, null, null, null);

	/** {@link #verifiedBy} of a verification where the backup lies. */
	public static final String IN_PLACE = "in-place";

	/** {@link #verifiedBy} of a restore drill. */
	public static final String DRILL = "drill";

	/** Where a backup's verification stands. */
	public enum Status {

		NEVER("never"), VERIFYING("verifying"), VERIFIED("verified"), FAILED("failed");

		private final String text;

		Status(String text) {
			this.text = text;
		}

		/** The status as the API shows it, for example {@code verified}. */
		public String text() {
			return text;
		}

		public static Status of(String text) {
			return Arrays.stream(values())
				.filter((s) -> s.text.equals(text))
				.findFirst()
				.orElseThrow(() -> new IllegalArgumentException("unknown verification status '" + text + "'"));
		}

		@Override
		public String toString() {
			return text;
		}

	}

}
