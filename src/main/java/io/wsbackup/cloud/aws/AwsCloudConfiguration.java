package io.wsbackup.cloud.aws;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.backup.BackupClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.efs.EfsClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.sts.StsClient;

import io.wsbackup.cloud.CloudPort;
import io.wsbackup.metrics.WsbackupMetrics;
import io.wsbackup.system.WsbackupProperties;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Chooses the {@code aws} cloud when {@code wsbackup.cloud.provider=aws}: SDK clients for
 * AWS Backup, EC2, EFS, STS and IAM (read only: the backup role) with the region of
 * {@code wsbackup.cloud.aws.region} (else the SDK's default region chain), credentials
 * from the default provider chain, an optional endpoint override per service, and retries
 * with exponential backoff and jitter for throttling, 5xx and lost connections (up to 10
 * attempts per call). Every request is counted in the metrics
 * ({@link AwsRequestMetrics}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "wsbackup.cloud.provider", havingValue = "aws")
public class AwsCloudConfiguration {

	@Bean
	CloudPort awsCloud(WsbackupProperties properties, WsbackupMetrics metrics, Clock clock) {
		WsbackupProperties.Cloud.Aws aws = properties.cloud().aws();
		Region region = aws.region() != null ? Region.of(aws.region())
				: DefaultAwsRegionProviderChain.builder().build().getRegion();
		AwsCredentialsProvider credentials = DefaultCredentialsProvider.builder().build();
		RetryStrategy retry = retryStrategy(10, Duration.ofMillis(200), Duration.ofSeconds(20));
		AwsRequestMetrics counted = new AwsRequestMetrics(metrics);
		AwsCloud cloud = new AwsCloud(
				configure(BackupClient.builder(), region, credentials, aws.backupEndpoint(), retry, counted).build(),
				configure(Ec2Client.builder(), region, credentials, aws.ec2Endpoint(), retry, counted).build(),
				configure(EfsClient.builder(), region, credentials, aws.efsEndpoint(), retry, counted).build(),
				configure(StsClient.builder(), region, credentials, aws.stsEndpoint(), retry, counted).build(),
				configure(IamClient.builder(), region, credentials, aws.iamEndpoint(), retry, counted).build(),
				new AwsCloud.Settings(region.id(), aws.iamRoleArn(), aws.kmsKeyArn(), aws.protectionTagKey(),
						aws.protectionTagValue(), aws.fileSystemKmsKeyArn(), aws.deleteWait(), aws.followInterval()),
				clock);
		// jobs a previous runner started: their disks lose the protection tag when they
		// end
		cloud.followRunningJobs();
		return cloud;
	}

	/**
	 * AWS's standard retry strategy (throttling and transient errors) with this many
	 * attempts and exponential backoff with jitter, without the circuit breaker, so that
	 * a long spell of throttling slows calls down rather than failing them.
	 */
	public static RetryStrategy retryStrategy(int maxAttempts, Duration baseDelay, Duration maxDelay) {
		return AwsRetryStrategy.standardRetryStrategy()
			.toBuilder()
			.maxAttempts(maxAttempts)
			.backoffStrategy(BackoffStrategy.exponentialDelay(baseDelay, maxDelay))
			.throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(baseDelay, maxDelay))
			.circuitBreakerEnabled(false)
			.build();
	}

	/**
	 * Region, credentials, an optional endpoint, the retry strategy, the HTTP client and
	 * interceptors (the metrics').
	 */
	public static <B extends AwsClientBuilder<B, ?>> B configure(B builder, Region region,
			AwsCredentialsProvider credentials, URI endpoint, RetryStrategy retry,
			ExecutionInterceptor... interceptors) {
		builder.region(region).credentialsProvider(credentials);
		if (endpoint != null) {
			builder.endpointOverride(endpoint);
		}
		builder.overrideConfiguration(ClientOverrideConfiguration.builder()
			.retryStrategy(retry)
			.executionInterceptors(java.util.List.of(interceptors))
			.build());
		if (builder instanceof software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder<?, ?> sync) {
			sync.httpClientBuilder(UrlConnectionHttpClient.builder()
				.connectionTimeout(Duration.ofSeconds(10))
				.socketTimeout(Duration.ofSeconds(60)));
		}
		return builder;
	}

}
