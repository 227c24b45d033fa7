package io.wsbackup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.wsbackup.notification.Receiver;
import io.wsbackup.system.security.HashedTokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * The web console in a real headless Chromium (the Debian {@code chromium} and
 * {@code chromium-driver} packages, nothing downloaded) against the packaged runner on
 * the embedded default: a refused backup name shows the API's message, a backup started
 * from the dialog is cancelled, another reaches {@code succeeded} and is restored into a
 * new workspace, the cancelled one is deleted. A schedule paused in its file is resumed,
 * paused and run now; a backup made to fail (its vault cannot be made ready) shows on the
 * Jobs page with its failed step and is restarted from there; its failure reaches a
 * notification receiver of the test, signed, and the one given up for a receiver that is
 * down shows on the Workspaces page and the Notifications page, where a test is sent. A
 * screenshot of each page goes to {@code target/console-screenshots/}. The console asks
 * for a token first (the embedded default's generated admin token); a viewer's console
 * shows no write action.
 */
class WebConsoleIT {

	private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

	private static final String VIEWER_TOKEN = "console-viewer-token-5b2e";

	private static final String VIEWER_NAME = "console-viewer";

	@TempDir
	Path dataDir;

	@TempDir
	Path work;

	@TempDir
	Path profile;

	private Process runner;

	private static final String OPS_SECRET = "console-ops-secret";

	/** The notification receiver of target ops. */
	private Receiver receiver;

	private WebDriver browser;

	private String endpoint;

	@BeforeEach
	void start() throws Exception {
		if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
			fail("WebConsoleIT drives " + CHROMIUM + " through " + CHROMEDRIVER + ", and "
					+ (Files.isExecutable(CHROMIUM) ? CHROMEDRIVER : CHROMIUM)
					+ " is missing: install both with `apt-get install -y chromium chromium-driver` (.ci/run does)");
		}
		startRunner();
		System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
		ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
			.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
					"--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
					"--user-data-dir=" + profile, "--window-size=1400,1000");
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.withLogOutput(System.err)
			.build();
		browser = new ChromeDriver(service, options);
		Files.createDirectories(SCREENSHOTS);
	}

	@AfterEach
	void stop() throws InterruptedException {
		if (browser != null) {
			browser.quit();
		}
		if (runner != null) {
			runner.destroy();
			runner.waitFor(30, TimeUnit.SECONDS);
		}
		if (receiver != null) {
			receiver.close();
		}
	}

	@Test
	void backsUpCancelsRestoresAndDeletesTheDemoWorkspaceFromTheBrowser() throws Exception {
		browser.get(endpoint + "/");
		// the page loads without a token and asks for one; a wrong one is refused;
		// nothing
		// of the runner is shown meanwhile
		signIn("not-a-token");
		eventually(() -> browser.findElement(By.id("signin-error")).isDisplayed());
		assertThat(text(By.id("signin-error"))).contains("UNAUTHENTICATED");
		assertThat(browser.findElements(By.cssSelector("#page *"))).isEmpty();
		assertThat(script("return document.querySelector(\"link[rel='icon']\").getAttribute('href')"))
			.isEqualTo("console/favicon.svg");
		assertThat(String.valueOf(script(
				"const r = await fetch('console/favicon.svg'); return r.status + ' ' + r.headers.get('content-type')")))
			.as("the favicon, served without a token")
			.startsWith("200 image/svg");
		screenshot("00-sign-in");
		signIn(PackagedRunner.adminToken(dataDir));
		eventually(() -> text(By.id("who")).contains("admin · admin"));
		By demo = By.cssSelector("tr[data-workspace='demo']");
		eventually(() -> text(demo).contains("installation:finished"));
		assertThat(text(demo)).contains("demo", "local", "none");
		// the summary bar: one workspace, never backed up
		assertThat(text(By.cssSelector("#summary [data-summary='workspaces'] .n"))).isEqualTo("1");
		assertThat(text(By.cssSelector("#summary [data-summary='never'] .n"))).isEqualTo("1");
		assertThat(attribute(By.cssSelector("nav a[data-page='workspaces']"), "aria-current")).isEqualTo("page");
		assertThat(attribute(By.id("announcer"), "aria-live")).isEqualTo("polite");
		screenshot("01-workspaces");

		// a refused name: the dialog shows the API's code and message
		click(By.cssSelector("tr[data-workspace='demo'] button[data-action='backup']"));
		assertThat(browser.findElement(By.id("backup-timeout")).getAttribute("value")).isEqualTo("720");
		type(By.id("backup-name"), "bad name!");
		click(By.id("backup-submit"));
		eventually(() -> browser.findElement(By.id("backup-dialog")).isDisplayed()
				&& browser.findElement(By.id("backup-error")).isDisplayed());
		assertThat(text(By.id("backup-error"))).contains("INVALID_ARGUMENT")
			.contains("backupName 'bad name!' is not valid");
		screenshot("02-backup-dialog-refused");

		// started from the dialog: a running card with a progressbar, refreshed every
		// second without a redraw (focus, the row's node and the scroll stay)
		type(By.id("backup-name"), "to-cancel");
		click(By.id("backup-submit"));
		eventually(() -> !browser.findElement(By.id("backup-dialog")).isDisplayed());
		By running = By.cssSelector("section[data-running-backup='to-cancel']");
		By bar = By.cssSelector("section[data-running-backup='to-cancel'] [role='progressbar']");
		eventually(() -> text(running).contains("awaitRecoveryPoints") && text(running).contains("ETA")
				&& attribute(bar, "aria-valuenow") != null);
		assertThat(attribute(bar, "aria-valuemax")).isEqualTo("100");
		assertThat(attribute(bar, "aria-valuetext")).contains("%", "ETA");
		assertThat(text(demo)).contains("backup:started", "running");
		script("window.scrollTo(0, 0); const f = document.getElementById('workspace-search'); f.focus();"
				+ " window.probeRow = document.querySelector(\"tr[data-workspace='demo']\"); return true");
		String loaded = attribute(By.id("page"), "data-loaded");
		eventually(() -> !attribute(By.id("page"), "data-loaded").equals(loaded));
		String reloaded = attribute(By.id("page"), "data-loaded");
		eventually(() -> !attribute(By.id("page"), "data-loaded").equals(reloaded));
		assertThat(script("return document.activeElement.id")).as("focus survives refreshes")
			.isEqualTo("workspace-search");
		assertThat(script("return window.probeRow === document.querySelector(\"tr[data-workspace='demo']\")"))
			.as("the row is patched, not drawn again")
			.isEqualTo(true);
		// one request per refresh, whatever the number of workspaces and backups
		script("performance.clearResourceTimings(); return true");
		String before = attribute(By.id("page"), "data-loaded");
		eventually(() -> !attribute(By.id("page"), "data-loaded").equals(before));
		assertThat(script("return performance.getEntriesByType('resource').map((e) => e.name)"
				+ ".filter((n) => n.includes('/api/')).map((n) => n.slice(n.indexOf('/api/')))"))
			.asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
			.containsOnly("/api/v1/ml/listWorkspaces");
		screenshot("03-running-backup");

		// Cancel asks first; keeping it going changes nothing
		click(By.cssSelector("section[data-running-backup='to-cancel'] button[data-action='cancel']"));
		eventually(() -> browser.findElement(By.id("confirm-dialog")).isDisplayed());
		assertThat(text(By.id("confirm-question"))).contains("“to-cancel”", "demo");
		screenshot("03b-cancel-confirmation");
		click(By.id("confirm-cancel"));
		eventually(() -> !browser.findElement(By.id("confirm-dialog")).isDisplayed());
		assertThat(text(running)).contains("running");
		click(By.cssSelector("section[data-running-backup='to-cancel'] button[data-action='cancel']"));
		eventually(() -> browser.findElement(By.id("confirm-dialog")).isDisplayed());
		click(By.id("confirm-submit"));
		eventually(() -> browser.findElements(running).isEmpty() && text(demo).contains("installation:finished"));
		// the banner follows the cancel to its end
		eventually(() -> text(By.id("notice")).contains("“to-cancel” of demo is cancelled"));
		assertThat(attribute(By.id("notice"), "class")).isEqualTo("notice info");
		// cancelled is its own outcome: its colour, not a failure's
		eventually(() -> "cancelled".equals(attribute(demo, "data-last-attempt")));
		assertThat(attribute(By.cssSelector("tr[data-workspace='demo'] [data-last-attempt-cell] .badge"), "class"))
			.isEqualTo("badge cancelled");
		assertThat(text(By.cssSelector("#summary [data-summary='failing'] .n"))).isEqualTo("0");

		// a backup that reaches succeeded: the workspace's last attempt and last success
		click(By.cssSelector("tr[data-workspace='demo'] button[data-action='backup']"));
		type(By.id("backup-name"), "first");
		click(By.id("backup-submit"));
		eventually(() -> text(demo).contains("backup:started"));
		await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(500))
			.ignoreExceptions()
			.until(() -> "first"
				.equals(browser.findElement(By.cssSelector("tr[data-workspace='demo'] td[data-last-backup]"))
					.getAttribute("data-last-backup")));
		eventually(() -> text(demo).contains("installation:finished"));
		assertThat(text(demo)).contains("ago");
		assertThat(attribute(demo, "data-last-attempt")).isEqualTo("succeeded");
		eventually(() -> text(By.cssSelector("#summary [data-summary='protected'] .n")).equals("1"));
		assertThat(browser.findElement(By.id("notice")).isDisplayed() ? text(By.id("notice")) : "")
			.as("the started banner has cleared or says how the backup ended")
			.doesNotContain("started");

		// the cancelled backup restarts from the catalog (a STOPPED execution), and is
		// cancelled again
		click(By.cssSelector("nav a[data-page='catalog']"));
		By toCancel = By.cssSelector("tr[data-backup='to-cancel']");
		eventually(() -> text(toCancel).contains("cancelled"));
		click(By.cssSelector("tr[data-backup='to-cancel'] button[data-action='restart']"));
		eventually(() -> text(By.id("notice")).contains("restarted"));
		eventually(() -> text(toCancel).contains("running"));
		click(By.cssSelector("tr[data-backup='to-cancel'] button[data-action='cancel']"));
		click(By.id("confirm-submit"));
		await().atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(300))
			.ignoreExceptions()
			.until(() -> text(toCancel).contains("cancelled"));

		// "first" is verified from the catalog: every recovery point checked where it
		// lies; the
		// Verified column and the verification filter say so
		By firstVerification = By.cssSelector("tr[data-backup='first'] td.verification");
		assertThat(attribute(firstVerification, "data-verified")).isEqualTo("never");
		click(By.cssSelector("tr[data-backup='first'] button[data-action='verify']"));
		eventually(() -> text(By.id("notice")).contains("Verification of backup “first” started"));
		await().atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(300))
			.ignoreExceptions()
			.until(() -> "verified".equals(attribute(firstVerification, "data-verified")));
		assertThat(text(firstVerification)).contains("verified", "ago");
		new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("catalog-verification")))
			.selectByValue("verified");
		eventually(() -> browser.findElements(By.cssSelector("#catalog tbody tr")).size() == 1
				&& text(By.cssSelector("#catalog tbody tr")).contains("first"));
		screenshot("04-catalog-verified");
		new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("catalog-verification"))).selectByValue("");
		eventually(() -> browser.findElements(By.cssSelector("#catalog tbody tr")).size() == 2);

		// a restore drill of "first": restored into a scratch workspace, checked there,
		// recorded, the scratch workspace removed (never listed among the workspaces)
		click(By.cssSelector("tr[data-backup='first'] button[data-action='drill']"));
		eventually(() -> text(By.id("notice")).contains("Restore drill of backup “first” started"));
		await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(300))
			.ignoreExceptions()
			.until(() -> "drill"
				.equals(attribute(By.cssSelector("tr[data-backup='first'] [data-verified-by]"), "data-verified-by")));
		assertThat(text(firstVerification)).contains("verified", "by a restore drill", "took");
		screenshot("04b-catalog-drilled");

		// the demo workspace's schedule, paused in its file: resumed, paused again, run
		// now after a confirmation
		click(By.cssSelector("nav a[data-page='schedules']"));
		By schedule = By.cssSelector("tr[data-schedule='console-demo']");
		eventually(() -> "paused".equals(attribute(schedule, "data-state")));
		assertThat(text(schedule)).contains("0 0 2 * * ? UTC", "environment", "never");
		assertThat(attribute(By.cssSelector("tr[data-schedule='console-demo'] td[data-next-fire]"), "data-next-fire"))
			.isEmpty();
		click(By.cssSelector("tr[data-schedule='console-demo'] button[data-action='resume']"));
		eventually(() -> "active".equals(attribute(schedule, "data-state"))
				&& !attribute(By.cssSelector("tr[data-schedule='console-demo'] td[data-next-fire]"), "data-next-fire")
					.isEmpty());
		assertThat(text(schedule)).contains("active", "in ");
		assertThat(text(By.id("notice"))).contains("console-demo is active");
		click(By.cssSelector("tr[data-schedule='console-demo'] button[data-action='pause']"));
		eventually(() -> "paused".equals(attribute(schedule, "data-state")));
		click(By.cssSelector("tr[data-schedule='console-demo'] button[data-action='trigger']"));
		eventually(() -> browser.findElement(By.id("confirm-dialog")).isDisplayed());
		assertThat(text(By.id("confirm-question"))).contains("every workspace", "although it is paused");
		screenshot("04-run-now-confirmation");
		click(By.id("confirm-submit"));
		eventually(() -> text(By.id("notice")).contains("console-demo runs now"));
		await().atMost(Duration.ofSeconds(40))
			.pollInterval(Duration.ofMillis(300))
			.ignoreExceptions()
			.until(() -> "succeeded".equals(
					attribute(By.cssSelector("tr[data-schedule='console-demo'] td[data-last-run]"), "data-last-run")));
		assertThat(text(schedule)).contains("paused", "run now", "1 succeeded");
		screenshot("04a-schedules");

		// a backup that fails: the vault cannot be made ready (its vault.json is a
		// directory for a while), so the job fails in snapshotStorage
		Path vaultFile = vaultFile();
		Path away = vaultFile.resolveSibling("vault.json.away");
		Files.move(vaultFile, away);
		Files.createDirectories(vaultFile.resolve("in-the-way"));
		click(By.cssSelector("nav a[data-page='workspaces']"));
		click(By.cssSelector("tr[data-workspace='demo'] button[data-action='backup']"));
		type(By.id("backup-name"), "broken");
		click(By.id("backup-submit"));
		eventually(() -> !browser.findElement(By.id("backup-dialog")).isDisplayed());
		// the failure is on the Workspaces page: the last attempt, its reason, the
		// summary
		await().atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(300))
			.ignoreExceptions()
			.until(() -> "failed".equals(attribute(demo, "data-last-attempt")));
		assertThat(text(By.cssSelector("tr[data-workspace='demo'] [data-last-attempt-cell]"))).contains("failed",
				"broken", "cannot create the vault");
		assertThat(text(By.cssSelector("tr[data-workspace='demo'] td[data-last-backup]"))).contains("console-");
		eventually(() -> text(By.cssSelector("#summary [data-summary='failing'] .n")).equals("1"));
		// the "started" banner became the failure, and stays until dismissed
		eventually(() -> text(By.id("notice")).contains("“broken” of demo failed: cannot create the vault"));
		assertThat(text(By.id("notice"))).doesNotContain("started");
		assertThat(attribute(By.id("notice"), "class")).isEqualTo("notice warning");
		assertThat(attribute(By.id("notice"), "data-sticky")).isEqualTo("yes");
		screenshot("04b-workspaces-failed-backup");
		// the failure was told: the ops target's receiver has it, signed; the chat
		// target's
		// receiver is down, so its notification is given up after the retry period, and
		// the main screen says so
		await().atMost(Duration.ofSeconds(30)).until(() -> receiver.about("/ops", "broken"), (r) -> !r.isEmpty());
		assertThat(receiver.about("/ops", "broken")).singleElement()
			.satisfies((r) -> assertThat(r.signedWith(OPS_SECRET)).isTrue());
		eventually(() -> text(By.cssSelector("#summary [data-summary='notifications-failed'] .n")).equals("1"));
		screenshot("04b1-workspaces-notification-failed");
		click(By.cssSelector("#summary [data-summary='notifications-failed']"));
		eventually(() -> text(By.cssSelector("#notifications tr[data-target='chat'][data-status='failed']"))
			.contains("backup-failed"));
		assertThat(text(By.cssSelector("#notifications tr[data-target='chat'][data-status='failed']")))
			.contains("could not connect");
		click(By.cssSelector("tr[data-target='ops'] button[data-action='test']"));
		eventually(() -> text(By.id("notice")).contains("Test notification delivered to ops"));
		assertThat(receiver.received())
			.anySatisfy((r) -> assertThat(r.json().path("type").asString()).isEqualTo("io.wsbackup.test"));
		screenshot("04b2-notifications");
		click(By.cssSelector("nav a[data-page='catalog']"));
		await().atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(300))
			.ignoreExceptions()
			.until(() -> text(By.cssSelector("tr[data-backup='broken']")).contains("failed"));

		// the Jobs page: names, outcomes in words, the failed step and why; Restart on
		// the
		// latest failed or cancelled execution of each job
		click(By.cssSelector("nav a[data-page='jobs']"));
		By broken = By.cssSelector("#jobs tr[data-subject='broken'][data-status='FAILED']");
		eventually(() -> text(broken).contains("snapshotStorage"));
		assertThat(text(By.cssSelector("#jobs tr[data-subject='broken'] [data-failed-step]")))
			.isEqualTo("snapshotStorage");
		assertThat(text(broken)).contains("backupWorkspace", "backup broken of demo", "failed",
				"cannot create the vault");
		assertThat(text(By.cssSelector("#jobs tr[data-subject='first']"))).contains("completed");
		assertThat(text(By.cssSelector("#jobs tr[data-subject='to-cancel'][data-outcome='cancelled']")))
			.contains("cancelled");
		assertThat(text(By.id("jobs"))).as("the verification of first, named as the operator knows it")
			.contains("verification of backup first");
		assertThat(text(By.id("jobs"))).as("the drill of first").contains("restore drill of backup first");
		assertThat(text(By.id("jobs"))).doesNotContain("UNKNOWN", "Exception", "crn:cdp");
		List<WebElement> jobRows = browser.findElements(By.cssSelector("#jobs tbody tr"));
		assertThat(jobRows).hasSizeGreaterThanOrEqualTo(5);
		screenshot("04c-jobs-failed");
		// at 800 px, the page is no wider than the window
		browser.manage().window().setSize(new Dimension(800, 1000));
		eventually(() -> ((Number) script("return document.documentElement.scrollWidth")).intValue() <= 800);
		screenshot("04c-jobs-800px");
		browser.manage().window().setSize(new Dimension(1400, 1000));

		// the vault put right, Restart completes the backup
		Files.delete(vaultFile.resolve("in-the-way"));
		Files.delete(vaultFile);
		Files.move(away, vaultFile);
		click(By.cssSelector("#jobs tr[data-subject='broken'] button[data-action='restart']"));
		eventually(() -> text(By.id("notice")).contains("restarted as #"));
		await().atMost(Duration.ofSeconds(40))
			.pollInterval(Duration.ofMillis(300))
			.ignoreExceptions()
			.until(() -> !browser
				.findElements(By.cssSelector("#jobs tr[data-subject='broken'][data-status='COMPLETED']"))
				.isEmpty());
		assertThat(text(broken)).contains("restarted as #")
			.endsWith(browser.findElement(By.cssSelector("#jobs tr[data-subject='broken'][data-status='COMPLETED']"))
				.getAttribute("data-execution"));
		assertThat(
				browser.findElements(By.cssSelector("#jobs tr[data-subject='broken'] button[data-action='restart']")))
			.isEmpty();
		screenshot("04d-jobs-restarted");

		// the catalog: sizes, completion and duration; filtered by status, searched by
		// name, in pages
		click(By.cssSelector("nav a[data-page='catalog']"));
		By first = By.cssSelector("tr[data-backup='first']");
		eventually(() -> text(first).contains("succeeded")
				&& text(By.cssSelector("tr[data-backup='to-cancel']")).contains("cancelled"));
		assertThat(
				browser.findElement(By.cssSelector("tr[data-backup='first'] td[data-size]")).getAttribute("data-size"))
			.matches("[1-9][0-9]*");
		assertThat(attribute(By.cssSelector("tr[data-backup='first'] td[data-completed]"), "data-completed"))
			.endsWith("Z");
		assertThat(attribute(By.cssSelector("tr[data-backup='first'] td[data-duration]"), "data-duration"))
			.matches("[0-9]+");
		assertThat(text(first)).as("the creator is the signed-in token's holder").contains("demo", "admin", "MB");
		assertThat(browser.findElement(By.cssSelector("tr[data-backup='first'] [title$=':user:admin']")).getText())
			.isEqualTo("admin");
		assertThat(text(By.cssSelector("tr[data-backup='broken']"))).contains("succeeded");
		assertThat(text(By.cssSelector("tr[data-backup^='console-']"))).contains("succeeded", "console-demo");
		screenshot("04e-catalog");
		new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("catalog-status")))
			.selectByValue("cancelled");
		eventually(() -> browser.findElements(By.cssSelector("#catalog tbody tr")).size() == 1
				&& text(By.id("catalog")).contains("to-cancel"));
		new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("catalog-status"))).selectByValue("");
		type(By.id("catalog-search"), "FIR");
		eventually(() -> browser.findElements(By.cssSelector("#catalog tbody tr")).size() == 1
				&& text(By.id("catalog")).contains("first"));
		assertThat(script("return document.activeElement.id")).isEqualTo("catalog-search");
		browser.get(endpoint + "/#/catalog?size=2");
		eventually(() -> browser.findElements(By.cssSelector("#catalog tbody tr")).size() == 2
				&& !browser.findElements(By.cssSelector("a[data-pager='next']")).isEmpty());
		List<String> firstPage = rowNames();
		click(By.cssSelector("a[data-pager='next']"));
		eventually(() -> text(By.cssSelector("nav.pager")).contains("page 2") && !rowNames().equals(firstPage));
		assertThat(rowNames()).doesNotContainAnyElementsOf(firstPage);
		screenshot("04f-catalog-page-2");

		// restore into a new workspace, the advanced fields prefilled from the skeleton
		click(By.cssSelector("a[data-pager='first']"));
		eventually(() -> text(By.cssSelector("nav.pager")).contains("page 1"));
		browser.get(endpoint + "/#/catalog");
		click(By.cssSelector("tr[data-backup='first'] button[data-action='restore']"));
		// the dialog opens once the skeleton is loaded and the fields are filled
		eventually(() -> browser.findElement(By.id("restore-dialog")).isDisplayed());
		assertThat(browser.findElement(By.id("restore-environment")).getAttribute("value")).isEqualTo("local");
		assertThat(browser.findElement(By.id("restore-advanced")).getAttribute("value")).contains("provisionK8sRequest",
				"restoreJobTimeoutMinutes");
		click(By.cssSelector("#restore-dialog summary"));
		type(By.id("restore-name"), "demo-restored");
		screenshot("05-restore-dialog");
		click(By.id("restore-submit"));
		// the new workspace's page, with the restore's warnings in a banner that stays
		// and on the page itself
		eventually(() -> text(By.id("workspace-title")).equals("demo-restored"));
		assertThat(text(By.id("notice"))).contains("roles and secrets are not copied");
		eventually(() -> text(By.id("restore-warnings")).contains("roles and secrets are not copied"));
		assertThat(text(By.id("workspace-facts"))).contains("Restored from", "backup first");
		screenshot("06-workspace-restoring");
		click(By.cssSelector("nav a[data-page='workspaces']"));
		By restored = By.cssSelector("tr[data-workspace='demo-restored']");
		eventually(() -> text(restored).contains("restore:"));
		assertThat(text(By.id("notice"))).as("a warning stays until dismissed")
			.contains("roles and secrets are not copied");
		click(By.cssSelector("#notice button"));
		eventually(() -> !browser.findElement(By.id("notice")).isDisplayed());

		// the demo workspace's own page: storage, last backups, events
		click(By.cssSelector("tr[data-workspace='demo'] td a"));
		eventually(() -> text(By.id("workspace-title")).equals("demo"));
		assertThat(text(By.id("workspace-facts"))).contains("Volumes", "Shared file system", "mlx-");
		eventually(() -> text(By.id("workspace-backups")).contains("first"));
		assertThat(text(By.id("events"))).contains("restartWorkspace");
		screenshot("06b-workspace-detail");

		// while it restores: the event log of the workspace, newest first
		click(By.cssSelector("nav a[data-page='workspaces']"));
		click(By.cssSelector("tr[data-workspace='demo'] a[data-action='events']"));
		eventually(() -> text(By.id("events")).contains("restartWorkspace"));
		List<WebElement> rows = browser.findElements(By.cssSelector("#events tbody tr"));
		assertThat(time(rows.get(0))).as("newest first").isAfter(time(rows.get(rows.size() - 1)));
		assertThat(text(By.id("events"))).contains("%", "ETA", " of ", "MB");
		screenshot("07-event-log");

		// the backup's own page
		click(By.cssSelector("nav a[data-page='catalog']"));
		click(By.cssSelector("tr[data-backup='first'] a"));
		eventually(
				() -> text(By.id("backup-title")).equals("first") && text(By.id("page")).contains("Recovery points"));
		assertThat(text(By.cssSelector("dl.facts"))).contains("succeeded", "mlx-", "720 min", "54.5 MB");
		screenshot("08-backup");

		// delete the cancelled one, after a confirmation that names it
		click(By.cssSelector("nav a[data-page='catalog']"));
		click(By.cssSelector("tr[data-backup='to-cancel'] button[data-action='delete']"));
		assertThat(text(By.id("delete-question"))).contains("“to-cancel”", "demo");
		screenshot("09-delete-confirmation");
		click(By.id("delete-submit"));
		await().atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(300))
			.ignoreExceptions()
			.until(() -> browser.findElements(By.cssSelector("tr[data-backup='to-cancel']")).isEmpty()
					&& !browser.findElements(first).isEmpty());
		screenshot("10-catalog-after-delete");

		// the restored workspace comes up
		click(By.cssSelector("nav a[data-page='workspaces']"));
		await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(300))
			.ignoreExceptions()
			.until(() -> text(restored).contains("installation:finished"));
		screenshot("11-workspaces-restored");
		browser.manage().window().setSize(new Dimension(800, 1000));
		eventually(() -> ((Number) script("return document.documentElement.scrollWidth")).intValue() <= 800);
		screenshot("11b-workspaces-800px");
		browser.manage().window().setSize(new Dimension(1400, 1000));

		// sign-out clears what was shown; a viewer sees everything and no action that
		// changes anything
		click(By.id("sign-out"));
		eventually(() -> browser.findElement(By.id("signin-dialog")).isDisplayed());
		assertThat(browser.findElements(By.cssSelector("#page *"))).as("nothing left after sign-out").isEmpty();
		assertThat(text(By.id("who"))).isEmpty();
		signIn(VIEWER_TOKEN);
		eventually(() -> text(By.id("who")).contains(VIEWER_NAME + " · viewer"));
		eventually(() -> text(demo).contains("installation:finished"));
		assertThat(browser.findElements(By.cssSelector("tr[data-workspace='demo'] button[data-action='backup']")))
			.as("the Backup button is there for admins only")
			.isNotEmpty()
			.noneMatch(WebElement::isDisplayed);
		assertThat(
				browser.findElement(By.cssSelector("tr[data-workspace='demo'] a[data-action='events']")).isDisplayed())
			.isTrue();
		screenshot("12-workspaces-viewer");
		click(By.cssSelector("nav a[data-page='catalog']"));
		eventually(() -> text(By.cssSelector("tr[data-backup='first']")).contains("succeeded"));
		assertThat(browser.findElements(By.cssSelector("button[data-action]"))).isNotEmpty()
			.noneMatch(WebElement::isDisplayed);
		click(By.cssSelector("nav a[data-page='schedules']"));
		eventually(() -> text(By.cssSelector("tr[data-schedule='console-demo']")).contains("console-demo"));
		assertThat(browser.findElements(By.cssSelector("tr[data-schedule='console-demo'] button[data-action]")))
			.noneMatch(WebElement::isDisplayed);
		screenshot("13-schedules-viewer");

		// the runner goes away: the console says it is disconnected, "live" goes out, and
		// the last data stays, dimmed
		click(By.cssSelector("nav a[data-page='workspaces']"));
		eventually(() -> text(demo).contains("installation:finished"));
		runner.destroy();
		runner.waitFor(30, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(300))
			.ignoreExceptions()
			.until(() -> browser.findElement(By.id("disconnected")).isDisplayed());
		assertThat(text(By.id("disconnected"))).contains("Disconnected", "retries");
		assertThat(text(By.id("live"))).contains("disconnected").doesNotContain("live");
		assertThat(text(demo)).contains("demo");
		screenshot("14-disconnected");
	}

	private List<String> rowNames() {
		return browser.findElements(By.cssSelector("#catalog tbody tr"))
			.stream()
			.map((row) -> row.getAttribute("data-backup"))
			.toList();
	}

	private Object script(String code) {
		if (code.contains("await ")) {
			return ((org.openqa.selenium.JavascriptExecutor) browser)
				.executeAsyncScript("const done = arguments[arguments.length - 1]; (async () => { " + code
						+ " })().then(done, (e) => done('error ' + e));");
		}
		return ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(code);
	}

	/** Types the token into the sign-in dialog and submits it. */
	private void signIn(String token) {
		eventually(() -> browser.findElement(By.id("signin-dialog")).isDisplayed());
		type(By.id("signin-token"), token);
		click(By.id("signin-submit"));
	}

	/**
	 * The time in an event row's first cell, written by the console as "2026-11-21
	 * 10:40:55 UTC".
	 */
	private static Instant time(WebElement eventRow) {
		return Instant.parse(eventRow.findElement(By.tagName("td")).getText().replace(" UTC", "Z").replace(' ', 'T'));
	}

	private String attribute(By by, String name) {
		return browser.findElement(by).getAttribute(name);
	}

	/** The demo workspace's vault file in the local cloud (the only vault so far). */
	private Path vaultFile() throws IOException {
		try (Stream<Path> vaults = Files.list(dataDir.resolve("vaults"))) {
			return vaults.filter((dir) -> dir.getFileName().toString().startsWith("mlx-"))
				.map((dir) -> dir.resolve("vault.json"))
				.filter(Files::isRegularFile)
				.reduce((a, b) -> {
					throw new IllegalStateException("more than one vault: " + a + ", " + b);
				})
				.orElseThrow();
		}
	}

	private String text(By by) {
		return browser.findElement(by).getText();
	}

	/** Clicks, again if the page was redrawn under the click (the console refreshes). */
	private void click(By by) {
		eventually(() -> {
			browser.findElement(by).click();
			return true;
		});
	}

	private void type(By by, String text) {
		WebElement field = browser.findElement(by);
		field.clear();
		field.sendKeys(text);
	}

	private void eventually(Callable<Boolean> condition) {
		await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(condition);
	}

	private void screenshot(String name) throws IOException {
		byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
		Files.write(SCREENSHOTS.resolve(name + ".png"), png);
	}

	/**
	 * A schedules directory with one schedule of the demo workspace's environment, paused
	 * in its file: it runs only when asked.
	 */
	private Path schedules() throws IOException {
		Path dir = Files.createDirectories(work.resolve("schedules"));
		Files.writeString(dir.resolve("console-demo.yaml"), """
				name: console-demo
				cron: "0 0 2 * * ?"
				time-zone: UTC
				workspaces: {environment: local}
				backup-name: "console-{yyyyMMdd-HHmmss}"
				paused: true
				""");
		return dir;
	}

	private void startRunner() throws Exception {
		receiver = new Receiver();
		int port = PackagedRunner.freePort();
		endpoint = "http://127.0.0.1:" + port;
		runner = PackagedRunner.start(work, port, java.util.Map.of(), "--wsbackup.data-dir=" + dataDir,
				// a viewer next to the embedded default's generated admin token
				"--wsbackup.security.tokens[0].name=" + VIEWER_NAME, "--wsbackup.security.tokens[0].role=viewer",
				"--wsbackup.security.tokens[0].sha256=" + HashedTokens.sha256Hex(VIEWER_TOKEN),
				// slow enough that the cancel arrives while the backup waits for its
				// snapshots
				"--wsbackup.cloud.local.max-bytes-per-second=2MB", "--wsbackup.schedules-dir=" + schedules(),
				// a scheduled backup's end is noticed within 2 s, not 30
				"--wsbackup.schedules.poll-interval=2s",
				// failures are told to a receiver of the test, signed, and to one that is
				// down (given up after 3 s)
				"--wsbackup.notifications.targets.ops.url=" + receiver.url("/ops"),
				"--wsbackup.notifications.targets.ops.secret=" + OPS_SECRET,
				"--wsbackup.notifications.targets.ops.events=backup-failed",
				"--wsbackup.notifications.targets.chat.url=http://127.0.0.1:" + Receiver.freePort() + "/services/x",
				"--wsbackup.notifications.targets.chat.format=slack",
				"--wsbackup.notifications.targets.chat.events=backup-failed", "--wsbackup.notifications.retry-for=3s",
				"--wsbackup.notifications.first-retry=1s");
	}

}
