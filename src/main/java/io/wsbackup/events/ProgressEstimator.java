package io.wsbackup.events;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The progress and estimated completion of a job made of several cloud jobs (one per
 * resource), from one poll of them and what the previous polls observed. Pure: the
 * waiting step keeps its {@link State} in the job context between polls.
 *
 * <p>
 * The rules (docs/operator-views.md "Progress and ETA"):
 * <ul>
 * <li><b>Weighted by bytes.</b> When every resource's total size is known (the cloud
 * gives it, a completed resource's size is what it transferred, or it can be derived from
 * bytes transferred at {@value #MIN_PERCENT_TO_DERIVE_TOTAL} % done or more), the percent
 * is bytes done over total bytes: a 10 MB volume at 100 % beside a 290 MB file system at
 * 0 % is 3 %, not 50 %. Otherwise it is the average of the resources' percents, and the
 * rate below is counted in percent points.</li>
 * <li><b>ETA from the observed rate, smoothed.</b> Each poll measures the rate since the
 * previous one. The smoothed rate moves {@value #SMOOTHING} of the way towards it, after
 * the measured rate is held within half and twice the smoothed one, so one noisy poll
 * cannot swing the estimate: the smoothed rate rises by at most 30 % per poll, and the
 * time left estimated for the same remaining work shrinks by at most 23 % per poll. The
 * ETA is now plus the remaining work over the smoothed rate. Before any rate is observed,
 * it is the latest completion the cloud expects, if it gives one for every running
 * resource.</li>
 * <li><b>Never in the past.</b> While work remains, the ETA is at least one second after
 * now.</li>
 * <li><b>Percent never reads 100 before the end</b>: it is floored and held at 99 while
 * any resource runs.</li>
 * </ul>
 * A gap of more than {@link #STALE} between two polls (a restart, a runner that died)
 * starts the rate afresh, as does a change of unit (totals became known) or work that
 * went backwards (a cloud job restarted).
 */
public final class ProgressEstimator {

	/** Totals are derived from bytes and percent only from this percent on. */
	public static final int MIN_PERCENT_TO_DERIVE_TOTAL = 5;

	/** How far the smoothed rate moves towards each poll's measured rate. */
	public static final double SMOOTHING = 0.3;

	/** A longer gap between two polls starts the rate afresh. */
	public static final Duration STALE = Duration.ofMinutes(30);

	private static final Duration MIN_LEFT = Duration.ofSeconds(1);

	private ProgressEstimator() {
	}

	/**
	 * One resource's cloud job as this poll saw it.
	 *
	 * @param completed whether it completed (its bytes are then its size)
	 * @param percentDone 0 to 100
	 * @param bytesTransferred bytes transferred so far
	 * @param totalBytes its size, or {@code null} when the cloud does not tell
	 * @param expectedCompletion when the cloud expects it to end, or {@code null}
	 */
	public record Resource(boolean completed, int percentDone, long bytesTransferred, Long totalBytes,
			Instant expectedCompletion) {

		static Resource completed(long bytes) {
			return new Resource(true, 100, bytes, bytes, null);
		}

		/** Its size: given, its bytes once completed, or derived; else null. */
		Long total() {
			if (completed) {
				return Math.max(bytesTransferred, totalBytes == null ? 0 : totalBytes);
			}
			if (totalBytes != null && totalBytes > 0) {
				return Math.max(totalBytes, bytesTransferred);
			}
			if (percentDone >= MIN_PERCENT_TO_DERIVE_TOTAL && percentDone < 100 && bytesTransferred > 0) {
				return bytesTransferred * 100 / percentDone;
			}
			return null;
		}

	}

	/**
	 * What the previous polls observed, kept between polls.
	 *
	 * @param unit {@code bytes} or {@code percent}: what {@code done} and {@code rate}
	 * count
	 * @param done work done at the last poll, in the unit
	 * @param at when the last poll was
	 * @param rate the smoothed rate, units per second, or {@code null} before one was
	 * observed
	 */
	public record State(String unit, double done, Instant at, Double rate) {

		/** As strings, for a job context. */
		public Map<String, String> toMap() {
			Map<String, String> map = new LinkedHashMap<>();
			map.put("unit", unit);
			map.put("done", String.valueOf(done));
			map.put("at", at.toString());
			if (rate != null) {
				map.put("rate", String.valueOf(rate));
			}
			return map;
		}

		/** From {@link #toMap()}; {@code null} from an empty or unreadable map. */
		public static State fromMap(Map<String, String> map) {
			if (map == null || !map.containsKey("unit") || !map.containsKey("done") || !map.containsKey("at")) {
				return null;
			}
			try {
				return new State(map.get("unit"), Double.parseDouble(map.get("done")), Instant.parse(map.get("at")),
						map.containsKey("rate") ? Double.valueOf(map.get("rate")) : null);
			}
			catch (RuntimeException unreadable) {
				return null;
			}
		}

	}

	/**
	 * Where the whole job stands.
	 *
	 * @param percentDone 0 to 99 while anything runs, 100 once all completed
	 * @param bytesDone bytes transferred by all resources
	 * @param totalBytes the total size, or {@code null} when not every size is known
	 * @param expectedCompletion the ETA, or {@code null} when it cannot be told yet (or
	 * everything completed)
	 * @param state what to keep for the next poll
	 */
	public record Estimate(int percentDone, long bytesDone, Long totalBytes, Instant expectedCompletion, State state) {

		/** "149.0 of 295.0 MB" or "149.0 MB", for a message. */
		public String bytesText() {
			return totalBytes == null ? megabytes(bytesDone)
					: megabytes(bytesDone).replace(" MB", "") + " of " + megabytes(totalBytes);
		}

		private static String megabytes(long bytes) {
			return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1_000_000.0);
		}

	}

	/**
	 * The estimate after one poll.
	 * @param resources every resource of the job, completed ones too
	 * @param previous what the previous poll kept, or {@code null}
	 * @param now the time of this poll
	 */
	public static Estimate estimate(List<Resource> resources, State previous, Instant now) {
		boolean allKnown = !resources.isEmpty() && resources.stream().allMatch((r) -> r.total() != null);
		boolean allCompleted = !resources.isEmpty() && resources.stream().allMatch(Resource::completed);
		long bytesDone = resources.stream().mapToLong(Resource::bytesTransferred).sum();
		double done;
		double total;
		String unit;
		Long totalBytes = null;
		if (allKnown) {
			unit = "bytes";
			totalBytes = resources.stream().mapToLong(Resource::total).sum();
			done = resources.stream().mapToLong((r) -> Math.min(r.bytesTransferred(), r.total())).sum();
			total = totalBytes;
		}
		else {
			unit = "percent";
			done = resources.stream().mapToInt((r) -> r.completed() ? 100 : Math.max(0, r.percentDone())).sum();
			total = 100.0 * resources.size();
		}
		int percent;
		if (allCompleted) {
			percent = 100;
		}
		else {
			percent = total <= 0 ? 0 : (int) Math.floor(100 * done / total);
			percent = Math.max(0, Math.min(99, percent));
		}
		Double rate = nextRate(previous, unit, done, now);
		State state = new State(unit, done, now, rate);
		if (allCompleted) {
			return new Estimate(percent, bytesDone, totalBytes, null, state);
		}
		Instant eta;
		double remaining = Math.max(0, total - done);
		if (rate != null && rate > 0) {
			eta = now.plusMillis((long) Math.ceil(1000 * remaining / rate));
		}
		else {
			eta = cloudExpectation(resources);
		}
		if (eta != null && eta.isBefore(now.plus(MIN_LEFT))) {
			eta = now.plus(MIN_LEFT);
		}
		return new Estimate(percent, bytesDone, totalBytes, eta, state);
	}

	/**
	 * The smoothed rate after this poll, or {@code null} when none can be told yet.
	 */
	static Double nextRate(State previous, String unit, double done, Instant now) {
		if (previous == null || !previous.unit().equals(unit) || done < previous.done()) {
			return null;
		}
		Duration gap = Duration.between(previous.at(), now);
		if (gap.compareTo(STALE) > 0) {
			return null;
		}
		if (gap.toMillis() <= 0) {
			return previous.rate();
		}
		double measured = (done - previous.done()) * 1000.0 / gap.toMillis();
		if (previous.rate() == null) {
			return measured > 0 ? measured : null;
		}
		double smoothed = previous.rate();
		double held = Math.max(smoothed / 2, Math.min(smoothed * 2, measured));
		return smoothed + SMOOTHING * (held - smoothed);
	}

	/**
	 * The latest completion the cloud expects of the running resources, or {@code null}
	 * unless it gives one for each.
	 */
	private static Instant cloudExpectation(List<Resource> resources) {
		Instant latest = null;
		for (Resource r : resources) {
			if (r.completed()) {
				continue;
			}
			if (r.expectedCompletion() == null) {
				return null;
			}
			latest = latest == null || r.expectedCompletion().isAfter(latest) ? r.expectedCompletion() : latest;
		}
		return latest;
	}

}
