package io.wsbackup.cloud.aws.simulator;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The few calls the simulator makes to moto: forwarding AWS Backup vault calls as they
 * came, and creating the volume or file system a restore job produces. moto checks no
 * signature; it routes on the service named in the {@code Authorization} header's
 * credential scope, which is why that header is set.
 */
final class MotoClient {

	private static final Set<String> HOP_HEADERS = Set.of("host", "content-length", "connection", "expect", "upgrade",
			"transfer-encoding");

	private static final Pattern VOLUME_ID = Pattern.compile("<volumeId>(vol-[^<]+)</volumeId>");

	private static final Pattern FILE_SYSTEM_ID = Pattern.compile("\"FileSystemId\"\\s*:\\s*\"(fs-[^\"]+)\"");

	private final URI endpoint;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	MotoClient(URI endpoint) {
		this.endpoint = endpoint;
	}

	URI endpoint() {
		return endpoint;
	}

	/** One HTTP answer. */
	record Answer(int status, Map<String, List<String>> headers, byte[] body) {

	}

	/**
	 * Sends a request as it came (minus hop-by-hop headers) and returns moto's answer.
	 */
	Answer forward(String method, String rawPathAndQuery, Map<String, List<String>> headers, byte[] body)
			throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest
			.newBuilder(URI.create(endpoint.toString().replaceAll("/$", "") + rawPathAndQuery))
			.timeout(Duration.ofSeconds(30))
			.method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody()
					: HttpRequest.BodyPublishers.ofByteArray(body));
		headers.forEach((name, values) -> {
			if (!HOP_HEADERS.contains(name.toLowerCase())) {
				values.forEach((v) -> request.header(name, v));
			}
		});
		HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
		return new Answer(response.statusCode(), response.headers().map(), response.body());
	}

	/** Whether moto knows this backup vault. */
	boolean vaultExists(String vaultName, String region) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest
			.newBuilder(URI.create(base() + "/backup-vaults/" + URLEncoder.encode(vaultName, StandardCharsets.UTF_8)))
			.header("Authorization", authorization(region, "backup"))
			.GET()
			.build();
		return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
	}

	/**
	 * What AWS Backup records about a volume for its restore: {@code availabilityZone},
	 * {@code volumeSize}, {@code volumeType}, {@code encrypted} and, when encrypted,
	 * {@code kmsKeyId}; empty when moto does not know the volume.
	 */
	Map<String, String> volumeMetadata(String region, String volumeId) throws IOException, InterruptedException {
		String form = "Action=DescribeVolumes&Version=2016-11-15&VolumeId.1="
				+ URLEncoder.encode(volumeId, StandardCharsets.UTF_8);
		HttpRequest request = HttpRequest.newBuilder(URI.create(base() + "/"))
			.header("Authorization", authorization(region, "ec2"))
			.header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
			.POST(HttpRequest.BodyPublishers.ofString(form))
			.build();
		HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
		Map<String, String> out = new java.util.LinkedHashMap<>();
		if (response.statusCode() != 200) {
			return out;
		}
		String body = response.body();
		put(out, "availabilityZone", body, "availabilityZone");
		put(out, "volumeSize", body, "size");
		put(out, "volumeType", body, "volumeType");
		put(out, "encrypted", body, "encrypted");
		if ("true".equals(out.get("encrypted"))) {
			put(out, "kmsKeyId", body, "kmsKeyId");
		}
		return out;
	}

	/**
	 * What AWS Backup records about a file system for its restore: {@code Encrypted},
	 * {@code KmsKeyId} (when encrypted) and {@code PerformanceMode}; empty when moto does
	 * not know it.
	 */
	Map<String, String> fileSystemMetadata(String region, String fileSystemId)
			throws IOException, InterruptedException {
		HttpRequest request = HttpRequest
			.newBuilder(URI.create(base() + "/2015-02-01/file-systems?FileSystemId="
					+ URLEncoder.encode(fileSystemId, StandardCharsets.UTF_8)))
			.header("Authorization", authorization(region, "elasticfilesystem"))
			.GET()
			.build();
		HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
		Map<String, String> out = new java.util.LinkedHashMap<>();
		if (response.statusCode() != 200) {
			return out;
		}
		String body = response.body();
		Matcher encrypted = Pattern.compile("\"Encrypted\"\\s*:\\s*(true|false)").matcher(body);
		if (encrypted.find()) {
			out.put("Encrypted", encrypted.group(1));
		}
		Matcher mode = Pattern.compile("\"PerformanceMode\"\\s*:\\s*\"([^\"]+)\"").matcher(body);
		if (mode.find()) {
			out.put("PerformanceMode", mode.group(1));
		}
		Matcher key = Pattern.compile("\"KmsKeyId\"\\s*:\\s*\"([^\"]+)\"").matcher(body);
		if ("true".equals(out.get("Encrypted")) && key.find()) {
			out.put("KmsKeyId", key.group(1));
		}
		return out;
	}

	private static void put(Map<String, String> out, String key, String xml, String element) {
		Matcher matcher = Pattern.compile("<" + element + ">([^<]*)</" + element + ">").matcher(xml);
		if (matcher.find() && !matcher.group(1).isBlank()) {
			out.put(key, matcher.group(1));
		}
	}

	/** Creates an EBS volume (EC2 query API) and returns its id. */
	String createVolume(String region, String availabilityZone, int sizeGiB, String volumeType)
			throws IOException, InterruptedException {
		String form = "Action=CreateVolume&Version=2016-11-15&AvailabilityZone="
				+ URLEncoder.encode(availabilityZone, StandardCharsets.UTF_8) + "&Size=" + sizeGiB + "&VolumeType="
				+ URLEncoder.encode(volumeType, StandardCharsets.UTF_8);
		HttpRequest request = HttpRequest.newBuilder(URI.create(base() + "/"))
			.header("Authorization", authorization(region, "ec2"))
			.header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
			.POST(HttpRequest.BodyPublishers.ofString(form))
			.build();
		return extract(http.send(request, HttpResponse.BodyHandlers.ofString()), VOLUME_ID, "CreateVolume");
	}

	/** Creates an EFS file system and returns its id. */
	String createFileSystem(String region, String creationToken) throws IOException, InterruptedException {
		String json = "{\"CreationToken\":\"" + creationToken.replace("\"", "")
				+ "\",\"PerformanceMode\":\"generalPurpose\"}";
		HttpRequest request = HttpRequest.newBuilder(URI.create(base() + "/2015-02-01/file-systems"))
			.header("Authorization", authorization(region, "elasticfilesystem"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build();
		return extract(http.send(request, HttpResponse.BodyHandlers.ofString()), FILE_SYSTEM_ID, "CreateFileSystem");
	}

	private static String extract(HttpResponse<String> response, Pattern pattern, String what) throws IOException {
		Matcher matcher = pattern.matcher(response.body());
		if (response.statusCode() / 100 != 2 || !matcher.find()) {
			throw new IOException("moto " + what + " answered HTTP " + response.statusCode() + ": "
					+ response.body().substring(0, Math.min(300, response.body().length())));
		}
		return matcher.group(1);
	}

	private String base() {
		return endpoint.toString().replaceAll("/$", "");
	}

	private static String authorization(String region, String service) {
		return "AWS4-HMAC-SHA256 Credential=simulator/20260101/" + region + "/" + service
				+ "/aws4_request, SignedHeaders=host, Signature=0";
	}

}
