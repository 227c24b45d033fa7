package io.wsbackup.workspace;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.wsbackup.WsbackupTestSupport;
import io.wsbackup.system.WsbackupException;
import io.wsbackup.system.WsbackupProperties;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Registrations at the same moment on the real store: the storage admission reads every
 * workspace's storage and refuses an overlap, so without the store's lock two
 * registrations of one volume would each read the other not yet there and both be
 * admitted. The admission here takes its time between the read and the answer, as a slow
 * file system or a runner on another host would, to make the window wide.
 */
class RegistrationRaceTest extends WsbackupTestSupport {

	@Autowired
	WorkspaceRepository repository;

	@Autowired
	WsbackupProperties properties;

	@Autowired
	PlatformTransactionManager transactions;

	@Test
	void fourRegistrationsOfOneVolumeAtOnceAdmitExactlyOne() throws Exception {
		String volume = "vol-race-" + UUID.randomUUID().toString().substring(0, 8);
		// each admission waits, between its read and its answer, until all four are in
		// admission at once (as they are without the lock) or 300 ms have passed (as
		// they must with it, one at a time)
		CountDownLatch inAdmission = new CountDownLatch(4);
		StorageAdmission slowOverlapCheck = (storage, registered) -> {
			boolean taken = registered.stream().anyMatch((w) -> w.storage().volumes().contains(volume));
			inAdmission.countDown();
			awaitQuietly(inAdmission);
			return taken ? new StorageAdmission.Admitted(storage, List.of(), List.of(volume + " is taken"))
					: StorageAdmission.Admitted.asIs(storage);
		};
		WorkspaceService service = new WorkspaceService(repository, properties, clock, slowOverlapCheck);
		TransactionTemplate inTransaction = new TransactionTemplate(transactions);

		ExecutorService pool = Executors.newFixedThreadPool(4);
		List<Future<String>> outcomes = new ArrayList<>();
		try {
			CountDownLatch go = new CountDownLatch(1);
			for (int i = 0; i < 4; i++) {
				String name = "race-" + i + "-" + volume.substring(9);
				outcomes.add(pool.submit(() -> {
					go.await();
					try {
						inTransaction.executeWithoutResult((tx) -> service.register(name, "env-race", "123456789012",
								"us-west-2", "2.0.47", new WorkspaceStorage(List.of(volume), null, false), null));
						return "admitted";
					}
					catch (WsbackupException refused) {
						return refused.code().name() + ": " + refused.getMessage();
					}
				}));
			}
			go.countDown();
			List<String> answers = new ArrayList<>();
			for (Future<String> outcome : outcomes) {
				answers.add(outcome.get());
			}

			assertThat(answers).filteredOn("admitted"::equals).hasSize(1);
			assertThat(answers).filteredOn((a) -> !a.equals("admitted"))
				.hasSize(3)
				.allSatisfy((a) -> assertThat(a).startsWith("INVALID_ARGUMENT").contains(volume + " is taken"));
			assertThat(repository.list("env-race")).filteredOn((w) -> w.storage().volumes().contains(volume))
				.hasSize(1);
		}
		finally {
			pool.shutdownNow();
		}
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(300, java.util.concurrent.TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
