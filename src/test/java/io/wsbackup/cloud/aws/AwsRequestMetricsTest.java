package io.wsbackup.cloud.aws;

import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.backup.BackupClient;
import software.amazon.awssdk.services.backup.model.BackupException;
import software.amazon.awssdk.services.ec2.Ec2Client;

import io.wsbackup.cloud.aws.simulator.AwsBackupSimulator.Faults;
import io.wsbackup.metrics.WsbackupMetrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link AwsRequestMetrics} on real SDK clients against moto and the AWS Backup
 * simulator: every attempt counted by service and operation, throttled ones as such.
 */
class AwsRequestMetricsTest {

	private static AwsTestEnvironment aws;

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private BackupClient backup;

	private Ec2Client ec2;

	@BeforeAll
	static void startAws() {
		aws = new AwsTestEnvironment(Duration.ofMillis(300));
	}

	@AfterAll
	static void stopAws() {
		if (aws != null) {
			aws.close();
		}
	}

	@BeforeEach
	void countedClients() {
		aws.reset();
		AwsRequestMetrics counted = new AwsRequestMetrics(
				new WsbackupMetrics(registry, null, null, Duration.ofMinutes(1)));
		var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
		var retry = AwsCloudConfiguration.retryStrategy(3, Duration.ofMillis(1), Duration.ofMillis(5));
		Region region = Region.of(AwsTestEnvironment.REGION);
		backup = AwsCloudConfiguration
			.configure(BackupClient.builder(), region, credentials, aws.simulator.endpoint(), retry, counted)
			.build();
		ec2 = AwsCloudConfiguration
			.configure(Ec2Client.builder(), region, credentials, aws.moto.endpoint(), retry, counted)
			.build();
	}

	@AfterEach
	void closeClients() {
		backup.close();
		ec2.close();
	}

	@Test
	void everyRequestIsCountedByServiceAndOperation() {
		ec2.describeVolumes();
		ec2.describeVolumes();
		backup.listBackupVaults();

		assertThat(requests("Ec2", "DescribeVolumes", "no")).as(registry.getMetersAsString()).isEqualTo(2);
		assertThat(requests("Backup", "ListBackupVaults", "no")).isEqualTo(1);
		assertThat(requests("Backup", "ListBackupVaults", "yes")).isZero();
	}

	@Test
	void eachThrottledAttemptIsCountedAsThrottledAndTheErrorStillReachesTheCaller() {
		aws.simulator.setFaults(new Faults(1.0, 0, 0, List.of()));

		assertThatThrownBy(() -> backup.listBackupVaults()).isInstanceOfSatisfying(BackupException.class,
				(ex) -> assertThat(ex.awsErrorDetails().errorCode()).isEqualTo("ThrottlingException"));

		assertThat(requests("Backup", "ListBackupVaults", "yes")).as("three attempts, all throttled").isEqualTo(3);
		assertThat(requests("Backup", "ListBackupVaults", "no")).isZero();
	}

	@Test
	void anErrorThatIsNotAThrottleIsCountedAsNotThrottled() {
		aws.simulator.setFaults(new Faults(0, 0, 0, List.of("ListBackupVaults")));

		assertThatThrownBy(() -> backup.listBackupVaults()).isInstanceOf(BackupException.class);

		assertThat(requests("Backup", "ListBackupVaults", "no")).isEqualTo(1);
		assertThat(requests("Backup", "ListBackupVaults", "yes")).isZero();
	}

	@Test
	void theErrorCodeIsReadFromTheHeaderTheJsonOrTheXmlBody() {
		SdkHttpResponse bare = SdkHttpResponse.builder().statusCode(503).build();
		assertThat(AwsRequestMetrics.errorCode(bare, """
				<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message>
				</Error></Errors><RequestID>1</RequestID></Response>""")).isEqualTo("RequestLimitExceeded");
		assertThat(AwsRequestMetrics.errorCode(bare, """
				<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code></Error></ErrorResponse>"""))
			.isEqualTo("Throttling");
		assertThat(AwsRequestMetrics.errorCode(bare,
				"{\"__type\": \"com.amazonaws.backup#TooManyRequestsException\", \"message\": \"slow down\"}"))
			.isEqualTo("TooManyRequestsException");
		SdkHttpResponse withHeader = SdkHttpResponse.builder()
			.statusCode(400)
			.putHeader("x-amzn-ErrorType", "ThrottlingException:http://internal.amazon.com/coral/")
			.build();
		assertThat(AwsRequestMetrics.errorCode(withHeader, "")).isEqualTo("ThrottlingException");
		assertThat(AwsRequestMetrics.errorCode(bare, "not an AWS error")).isEmpty();
	}

	private double requests(String service, String operation, String throttled) {
		Counter counter = registry.find(WsbackupMetrics.CLOUD_REQUESTS)
			.tags("provider", "aws", "service", service, "operation", operation, "throttled", throttled)
			.counter();
		return counter == null ? 0 : counter.count();
	}

}
