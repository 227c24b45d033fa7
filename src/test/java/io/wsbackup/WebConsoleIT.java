package io.wsbackup;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
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
 * new workspace, the cancelled one is deleted. A screenshot of each page goes to
 * {@code target/console-screenshots/}.
 */
class WebConsoleIT {

	private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

	@TempDir
	Path dataDir;

	@TempDir
	Path work;

	@TempDir
	Path profile;

	private Process runner;

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
	}

	@Test
	void backsUpCancelsRestoresAndDeletesTheDemoWorkspaceFromTheBrowser() throws Exception {
		browser.get(endpoint + "/");
		By demo = By.cssSelector("tr[data-workspace='demo']");
		eventually(() -> text(demo).contains("installation:finished"));
		assertThat(text(demo)).contains("demo", "local", "none");
		screenshot("01-workspaces");

		// a refused name: the dialog shows the API's code and message
		click(By.cssSelector("tr[data-workspace='demo'] button[data-action='backup']"));
		assertThat(browser.findElement(By.id("backup-timeout")).getAttribute("value")).isEqualTo("720");
		type(By.id("backup-name"), "bad name!");
		click(By.id("backup-submit"));
		eventually(() -> browser.findElement(By.id("backup-error")).isDisplayed());
		assertThat(text(By.id("backup-error"))).contains("INVALID_ARGUMENT")
			.contains("backupName 'bad name!' is not valid");
		screenshot("02-backup-dialog-refused");

		// started from the dialog, then cancelled from its running card
		type(By.id("backup-name"), "to-cancel");
		click(By.id("backup-submit"));
		eventually(() -> !browser.findElement(By.id("backup-dialog")).isDisplayed());
		By running = By.cssSelector("section[data-running-backup='to-cancel']");
		eventually(() -> text(running).contains("awaitRecoveryPoints") && text(running).contains("ETA"));
		assertThat(text(demo)).contains("backup:started");
		screenshot("03-running-backup");
		click(By.cssSelector("section[data-running-backup='to-cancel'] button[data-action='cancel']"));
		eventually(() -> browser.findElements(running).isEmpty() && text(demo).contains("installation:finished"));

		// a backup that reaches succeeded: the workspace's last successful backup
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

		// the catalog: both backups, the succeeded one with a size
		click(By.cssSelector("nav a[data-page='catalog']"));
		By first = By.cssSelector("tr[data-backup='first']");
		eventually(() -> text(first).contains("succeeded")
				&& text(By.cssSelector("tr[data-backup='to-cancel']")).contains("cancelled"));
		assertThat(
				browser.findElement(By.cssSelector("tr[data-backup='first'] td[data-size]")).getAttribute("data-size"))
			.matches("[1-9][0-9]*");
		assertThat(text(first)).contains("demo", "local-operator", "MB");
		screenshot("04-catalog");

		// restore into a new workspace, the advanced fields prefilled from the skeleton
		click(By.cssSelector("tr[data-backup='first'] button[data-action='restore']"));
		assertThat(browser.findElement(By.id("restore-environment")).getAttribute("value")).isEqualTo("local");
		assertThat(browser.findElement(By.id("restore-advanced")).getAttribute("value")).contains("provisionK8sRequest",
				"restoreJobTimeoutMinutes");
		click(By.cssSelector("#restore-dialog summary"));
		type(By.id("restore-name"), "demo-restored");
		screenshot("05-restore-dialog");
		click(By.id("restore-submit"));
		By restored = By.cssSelector("tr[data-workspace='demo-restored']");
		eventually(() -> text(restored).contains("restore:started"));
		screenshot("06-workspaces-restoring");

		// while it restores: the event log of the workspace, newest first
		click(By.cssSelector("tr[data-workspace='demo'] a[data-action='events']"));
		eventually(() -> text(By.id("events")).contains("restartWorkspace"));
		List<WebElement> rows = browser.findElements(By.cssSelector("#events tbody tr"));
		assertThat(time(rows.get(0))).as("newest first").isAfter(time(rows.get(rows.size() - 1)));
		assertThat(text(By.id("events"))).contains("%", "ETA");
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
	}

	/**
	 * The time in an event row's first cell, written by the console as "2026-11-21
	 * 10:40:55 UTC".
	 */
	private static Instant time(WebElement eventRow) {
		return Instant.parse(eventRow.findElement(By.tagName("td")).getText().replace(" UTC", "Z").replace(' ', 'T'));
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

	private void startRunner() throws Exception {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		Path jar;
		try (Stream<Path> files = Files.list(Path.of("target"))) {
			jar = files.filter((p) -> p.getFileName().toString().matches("wsbackup-.*\\.jar"))
				.findFirst()
				.orElseThrow();
		}
		runner = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
				jar.toAbsolutePath().toString(), "--server.port=" + port, "--wsbackup.data-dir=" + dataDir,
				// slow enough that the cancel arrives while the backup waits for its
				// snapshots
				"--wsbackup.cloud.local.max-bytes-per-second=2MB")
			.directory(work.toFile())
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("runner.log").toFile()))
			.start();
		endpoint = "http://127.0.0.1:" + port;
		HttpClient http = HttpClient.newHttpClient();
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() -> {
			if (!runner.isAlive()) {
				throw new IllegalStateException("the runner exited: " + Files.readString(work.resolve("runner.log")));
			}
			try {
				return http
					.send(HttpRequest.newBuilder(URI.create(endpoint + "/actuator/health")).build(),
							HttpResponse.BodyHandlers.ofString())
					.body()
					.contains("UP");
			}
			catch (IOException notYet) {
				return false;
			}
		});
	}

}
