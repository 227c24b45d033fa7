package io.wsbackup.events;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.wsbackup.events.ProgressEstimator.Estimate;
import io.wsbackup.events.ProgressEstimator.Resource;
import io.wsbackup.events.ProgressEstimator.State;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The progress and ETA rules, on simulated clouds: an uneven pair of resources (a small
 * volume that finishes at once beside a large file system), a steady transfer, a stall, a
 * burst, and a cloud that does not tell sizes.
 */
class ProgressEstimatorTest {

	private static final long MB = 1_000_000;

	private static final Instant T0 = Instant.parse("2026-12-01T00:30:00Z");

	/** A simulated cloud job: a size and a steady rate, starting at T0. */
	record SimulatedJob(long size, long bytesPerSecond, boolean tellsSize) {

		Resource at(Instant now) {
			long elapsed = Duration.between(T0, now).toMillis();
			long done = Math.min(size, bytesPerSecond * elapsed / 1000);
			int percent = (int) (done * 100 / size);
			boolean completed = done >= size;
			Instant cloudEta = completed ? null : T0.plusMillis(size * 1000 / bytesPerSecond);
			return new Resource(completed, completed ? 100 : percent, done, tellsSize ? size : null, cloudEta);
		}

	}

	@Test
	void anUnevenPairIsWeightedByBytesNotByTheAverageOfPercents() {
		// the case: a 10 MB volume done beside a 285 MB file system half-way
		SimulatedJob volume = new SimulatedJob(10 * MB, 100 * MB, true);
		SimulatedJob fileSystem = new SimulatedJob(285 * MB, 5 * MB, true);
		Instant now = T0.plusSeconds(28);
		Estimate e = ProgressEstimator.estimate(List.of(volume.at(now), fileSystem.at(now)), null, now);
		// 10 + 140 of 295 MB: 50 %, where the plain average said (100 + 49) / 2 = 74 %
		assertThat(e.bytesDone()).isEqualTo(150 * MB);
		assertThat(e.totalBytes()).isEqualTo(295 * MB);
		assertThat(e.percentDone()).isEqualTo(50);
		assertThat(e.bytesText()).isEqualTo("150.0 of 295.0 MB");
	}

	@Test
	void anUnevenPairPolledToTheEndHasAnEtaThatNeitherSlipsNorGoesBackNorFallsInThePast() {
		SimulatedJob volume = new SimulatedJob(10 * MB, 10 * MB, true);
		SimulatedJob fileSystem = new SimulatedJob(290 * MB, 5 * MB, true);
		Instant end = T0.plusSeconds(58);
		State state = null;
		List<Estimate> estimates = new ArrayList<>();
		for (Instant now = T0.plusSeconds(2); now.isBefore(end); now = now.plusSeconds(4)) {
			Estimate e = ProgressEstimator.estimate(List.of(volume.at(now), fileSystem.at(now)), state, now);
			state = e.state();
			estimates.add(e);
			assertThat(e.expectedCompletion()).as("ETA at %s", now).isAfter(now);
			assertThat(e.percentDone()).isEqualTo((int) (e.bytesDone() * 100 / (300 * MB)));
		}
		// the volume's end (at 1 s) changes the rate of the whole once; after that the
		// ETA approaches the true end (58 s) and never moves by more than 4 s per poll
		for (int i = 3; i < estimates.size(); i++) {
			Duration moved = Duration.between(estimates.get(i - 1).expectedCompletion(),
					estimates.get(i).expectedCompletion());
			assertThat(moved.abs()).as("ETA move at poll %d", i).isLessThanOrEqualTo(Duration.ofSeconds(4));
		}
		Instant last = estimates.get(estimates.size() - 1).expectedCompletion();
		assertThat(Duration.between(end, last).abs()).isLessThan(Duration.ofSeconds(3));
		Estimate done = ProgressEstimator.estimate(List.of(volume.at(end), fileSystem.at(end)), state, end);
		assertThat(done.percentDone()).isEqualTo(100);
		assertThat(done.expectedCompletion()).isNull();
	}

	@Test
	void aSteadyTransferKeepsItsEtaWhereItIs() {
		SimulatedJob job = new SimulatedJob(600 * MB, MB, true);
		State state = null;
		Instant previousEta = null;
		for (int s = 10; s < 590; s += 30) {
			Instant now = T0.plusSeconds(s);
			Estimate e = ProgressEstimator.estimate(List.of(job.at(now)), state, now);
			state = e.state();
			if (previousEta != null) {
				assertThat(Duration.between(previousEta, e.expectedCompletion()).abs())
					.isLessThanOrEqualTo(Duration.ofSeconds(1));
			}
			previousEta = e.expectedCompletion();
		}
		assertThat(previousEta).isBetween(T0.plusSeconds(599), T0.plusSeconds(601));
	}

	@Test
	void aStallMovesTheEtaLaterGraduallyAndNeverIntoThePast() {
		Resource started = new Resource(false, 10, 10 * MB, 100 * MB, null);
		State state = ProgressEstimator.estimate(List.of(started), null, T0).state();
		// 1 MB/s observed
		Resource moving = new Resource(false, 20, 20 * MB, 100 * MB, null);
		Estimate e = ProgressEstimator.estimate(List.of(moving), state, T0.plusSeconds(10));
		assertThat(e.expectedCompletion()).isEqualTo(T0.plusSeconds(90));
		Instant previous = e.expectedCompletion();
		state = e.state();
		for (int s = 20; s <= 300; s += 10) {
			Instant now = T0.plusSeconds(s);
			double rateBefore = state.rate();
			e = ProgressEstimator.estimate(List.of(moving), state, now);
			state = e.state();
			assertThat(e.expectedCompletion()).isAfter(now).isAfterOrEqualTo(previous);
			// the rate falls by at most 15 % per poll, and the ETA follows it
			assertThat(state.rate() / rateBefore).isCloseTo(0.85, org.assertj.core.data.Offset.offset(1e-9));
			assertThat(e.expectedCompletion())
				.isEqualTo(now.plusMillis((long) Math.ceil(1000.0 * 80 * MB / state.rate())));
			previous = e.expectedCompletion();
		}
	}

	@Test
	void aBurstPullsTheEtaEarlierOnlyAsFarAsTheHeldRateAllows() {
		Instant t1 = T0.plusSeconds(10);
		State state = ProgressEstimator.estimate(List.of(new Resource(false, 0, 0, 1000 * MB, null)), null, T0).state();
		Estimate steady = ProgressEstimator.estimate(List.of(new Resource(false, 1, 10 * MB, 1000 * MB, null)), state,
				t1);
		assertThat(steady.state().rate()).isEqualTo(1.0 * MB);
		// one poll reports 200 MB in 10 s, twenty times the rate seen so far
		Instant t2 = t1.plusSeconds(10);
		Estimate burst = ProgressEstimator.estimate(List.of(new Resource(false, 21, 210 * MB, 1000 * MB, null)),
				steady.state(), t2);
		assertThat(burst.state().rate()).isEqualTo(1.3 * MB);
		// 790 MB left at 1.3 MB/s, not at 20 MB/s (which would say 40 s)
		assertThat(burst.expectedCompletion()).isEqualTo(t2.plusMillis((long) Math.ceil(790_000.0 / 1.3)));
		assertThat(Duration.between(t2, burst.expectedCompletion())).isGreaterThan(Duration.ofSeconds(600));
	}

	@Test
	void theEtaIsNeverEarlierThanOneSecondFromNowWhileWorkRemains() {
		State state = new State("bytes", 0, T0, 1_000_000_000.0);
		Estimate e = ProgressEstimator.estimate(List.of(new Resource(false, 99, 99, 100L, null)), state,
				T0.plusSeconds(1));
		assertThat(e.expectedCompletion()).isEqualTo(T0.plusSeconds(2));
		// a cloud that expects an end already passed
		Estimate cloud = ProgressEstimator.estimate(
				List.of(new Resource(false, 50, 0, null, T0.minusSeconds(30)), new Resource(false, 10, 0, null, T0)),
				null, T0.plusSeconds(5));
		assertThat(cloud.expectedCompletion()).isEqualTo(T0.plusSeconds(6));
	}

	@Test
	void withoutSizesPercentsAreAveragedAndTheCloudsLatestEtaIsUsedUntilARateIsSeen() {
		Instant later = T0.plusSeconds(600);
		Estimate first = ProgressEstimator.estimate(
				List.of(new Resource(true, 100, 0, null, null), new Resource(false, 40, 0, null, later)), null, T0);
		assertThat(first.percentDone()).isEqualTo(70);
		assertThat(first.totalBytes()).isNull();
		assertThat(first.expectedCompletion()).isEqualTo(later);
		assertThat(first.state().unit()).isEqualTo("percent");
		// 10 points in 60 s: 50 points left at 1/6 point per second
		Estimate second = ProgressEstimator.estimate(
				List.of(new Resource(true, 100, 0, null, null), new Resource(false, 50, 0, null, later)), first.state(),
				T0.plusSeconds(60));
		assertThat(second.expectedCompletion()).isEqualTo(T0.plusSeconds(360));
	}

	@Test
	void aSizeIsDerivedFromBytesAndPercentFromFivePercentOn() {
		Resource early = new Resource(false, 4, 4 * MB, null, null);
		Resource later = new Resource(false, 25, 50 * MB, null, null);
		assertThat(early.total()).isNull();
		assertThat(later.total()).isEqualTo(200 * MB);
		Estimate e = ProgressEstimator.estimate(List.of(Resource.completed(100 * MB), later), null, T0);
		assertThat(e.totalBytes()).isEqualTo(300 * MB);
		assertThat(e.percentDone()).isEqualTo(50);
	}

	@Test
	void aLongGapOrWorkGoingBackwardsStartsTheRateAfresh() {
		State state = new State("bytes", 50 * MB, T0, 1.0 * MB);
		Resource r = new Resource(false, 60, 60 * MB, 100 * MB, null);
		assertThat(ProgressEstimator.estimate(List.of(r), state, T0.plus(Duration.ofMinutes(31))).state().rate())
			.isNull();
		Resource restarted = new Resource(false, 5, 5 * MB, 100 * MB, null);
		assertThat(ProgressEstimator.estimate(List.of(restarted), state, T0.plusSeconds(10)).state().rate()).isNull();
		State percent = new State("percent", 50, T0, 1.0);
		assertThat(ProgressEstimator.estimate(List.of(r), percent, T0.plusSeconds(10)).state().rate()).isNull();
	}

	@Test
	void theStateSurvivesTheJobContextAsStrings() {
		State state = new State("bytes", 123.0, T0, 4.5);
		assertThat(State.fromMap(state.toMap())).isEqualTo(state);
		State noRate = new State("percent", 7.0, T0, null);
		assertThat(State.fromMap(noRate.toMap())).isEqualTo(noRate);
		assertThat(State.fromMap(java.util.Map.of())).isNull();
		assertThat(State.fromMap(java.util.Map.of("unit", "bytes", "done", "x", "at", T0.toString()))).isNull();
	}

}
