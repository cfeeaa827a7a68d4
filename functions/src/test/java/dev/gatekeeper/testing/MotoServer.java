package dev.gatekeeper.testing;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.gatekeeper.core.keys.SigningKeySet;
import dev.gatekeeper.core.keys.SigningKeySetJson;
import dev.gatekeeper.core.keys.VerificationKeySetJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * One moto server per test JVM, started from the project venv, answering the real Secrets Manager API on a free
 * local port. Tests isolate themselves by unique secret names rather than by resetting the server. When
 * {@link Emulators#inUse()} is LocalStack, the same API comes from the LocalStack container instead (LocalStack's
 * Secrets Manager is moto's, patched closer to AWS).
 */
public final class MotoServer {
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(20);
    private static final String REGION = "us-east-1";
    private static final Pattern ROLE_ARN = Pattern.compile("<Arn>([^<]+)</Arn>");
    private static MotoServer shared;

    private final URI endpoint;
    private final boolean localStack;
    private final Region region;
    private final SecretsManagerClient secretsManager;
    private final HttpClient http = HttpClient.newHttpClient();
    private String rotationFunctionArn;

    private MotoServer(URI endpoint, boolean localStack, AwsCredentialsProvider credentials, Region region) {
        this.endpoint = endpoint;
        this.localStack = localStack;
        this.region = region;
        this.secretsManager = SecretsManagerClient.builder()
                .region(region)
                .credentialsProvider(credentials)
                .endpointOverride(endpoint)
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
    }

    /**
     * The server for this JVM, started on first use and stopped when the JVM exits; with {@link Emulators#LOCALSTACK}
     * the LocalStack container instead.
     */
    public static synchronized MotoServer shared() {
        if (shared == null) {
            shared = Emulators.inUse() == Emulators.LOCALSTACK ? onLocalStack(LocalStack.shared()) : start();
        }
        return shared;
    }

    public URI endpoint() {
        return endpoint;
    }

    /** A real SDK client for the server, with dummy credentials; shared, as clients are thread-safe. */
    public SecretsManagerClient secretsManager() {
        return secretsManager;
    }

    /** A name no other test uses, so tests never see each other's secrets. */
    public static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    /** Creates a secret holding {@code keys} in the stored format; returns its ARN. */
    public String createSigningKeySecret(SigningKeySet keys) {
        return createSecret(SigningKeySetJson.format(keys));
    }

    /** Creates a secret holding the public halves of {@code keys}, as rotation publishes them; returns its ARN. */
    public String createPublicKeySecret(SigningKeySet keys) {
        return createSecret(VerificationKeySetJson.format(keys.verificationKeys()));
    }

    /** Creates a secret holding {@code value} (for example the placeholder CloudFormation generates); returns its ARN. */
    public String createSecret(String value) {
        return secretsManager.createSecret(request -> request.name(uniqueName("gatekeeper-signing-keys"))
                .secretString(value)).arn();
    }

    /**
     * Starts a rotation of the secret the way Secrets Manager does before it invokes the rotation function: rotation
     * is enabled, and a version named by a new client request token exists, staged {@code AWSPENDING}, with no value
     * yet. Returns that token; the test then plays Secrets Manager by running the four steps itself.
     *
     * <p>moto only starts a rotation for a Lambda function it knows, and calls it; with moto's Docker-free Lambda
     * backend the call does nothing, which leaves the secret in exactly that state. LocalStack also requires a
     * function it knows and invokes it; this function's reserved concurrency is zero, so the invocation is throttled
     * and, as on AWS when a rotation function cannot run, the new version stays {@code AWSPENDING} with no value.
     */
    public synchronized String startRotation(String secretId) {
        String functionArn = rotationFunction();
        clearFinishedPendingStage(secretId);
        String token = UUID.randomUUID().toString();
        secretsManager.rotateSecret(request -> request.secretId(secretId)
                .clientRequestToken(token)
                .rotationLambdaARN(functionArn)
                .rotationRules(rules -> rules.automaticallyAfterDays(30L)));
        return token;
    }

    /**
     * When finishSecret moves {@code AWSCURRENT}, AWS also takes {@code AWSPENDING} off that version; moto leaves it
     * there and then refuses the next rotation as "still in progress". Remove it as AWS would have.
     */
    private void clearFinishedPendingStage(String secretId) {
        Map<String, List<String>> versions = secretsManager.describeSecret(request -> request.secretId(secretId))
                .versionIdsToStages();
        versions.forEach((versionId, stages) -> {
            if (stages.contains("AWSCURRENT") && stages.contains("AWSPENDING")) {
                secretsManager.updateSecretVersionStage(request -> request.secretId(secretId)
                        .versionStage("AWSPENDING")
                        .removeFromVersionId(versionId));
            }
        });
    }

    /** A Lambda function in the emulator that never runs, to name as the rotation function; created once. */
    private String rotationFunction() {
        if (rotationFunctionArn == null) {
            if (!localStack) {
                post("/moto-api/config", "application/json", null, "{\"lambda\": {\"use_docker\": false}}");
            }
            String role = post("/", "application/x-www-form-urlencoded", "iam", form(Map.of(
                    "Action", "CreateRole",
                    "Version", "2010-05-08",
                    "RoleName", "gatekeeper-rotate-signing-key",
                    "AssumeRolePolicyDocument", "{\"Version\":\"2012-10-17\",\"Statement\":[]}")));
            Matcher roleArn = ROLE_ARN.matcher(role);
            if (!roleArn.find()) {
                throw new IllegalStateException("moto CreateRole answered without a role ARN: " + role);
            }
            String function = post("/2015-03-31/functions", "application/json", "lambda",
                    JSONObjectUtils.toJSONString(Map.of(
                            "FunctionName", "gatekeeper-rotate-signing-key",
                            "Runtime", "java17",
                            "Role", roleArn.group(1),
                            "Handler", "dev.gatekeeper.handler.RotateSigningKeyHandler",
                            "Code", Map.of("ZipFile", Base64.getEncoder().encodeToString(emptyZip())))));
            try {
                rotationFunctionArn = JSONObjectUtils.getString(JSONObjectUtils.parse(function), "FunctionArn");
            } catch (ParseException e) {
                throw new IllegalStateException("CreateFunction answered " + function, e);
            }
            if (localStack) {
                // LocalStack would run the function in Docker; with no concurrency every invocation is throttled.
                send("PUT", "/2015-03-31/functions/gatekeeper-rotate-signing-key/concurrency", "application/json",
                        "lambda", "{\"ReservedConcurrentExecutions\": 0}");
            }
        }
        return rotationFunctionArn;
    }

    private String post(String path, String contentType, String service, String body) {
        return send("POST", path, contentType, service, body);
    }

    /**
     * A call to an emulator API the project has no SDK module for; moto and LocalStack route by the service named in
     * the credential scope, and check no signature.
     */
    private String send(String method, String path, String contentType, String service, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint.resolve(path))
                .header("Content-Type", contentType)
                .method(method, HttpRequest.BodyPublishers.ofString(body));
        if (service != null) {
            request.header("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/" + region.id() + "/" + service
                    + "/aws4_request, SignedHeaders=host, Signature=0");
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException(endpoint + " answered " + response.statusCode() + " to " + path + ": "
                        + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String form(Map<String, String> fields) {
        StringBuilder body = new StringBuilder();
        fields.forEach((name, value) -> body.append(body.isEmpty() ? "" : "&")
                .append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return body.toString();
    }

    private static byte[] emptyZip() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("README"));
            zip.write("moto never runs this function".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static MotoServer start() {
        String venv = System.getProperty("gatekeeper.venv");
        Path executable = venv == null ? null : Path.of(venv, "bin", "moto_server");
        if (executable == null || !Files.isExecutable(executable)) {
            throw new IllegalStateException("moto_server not found at " + executable + " (system property "
                    + "gatekeeper.venv). Run the tests with the README's test command, scripts/test, which creates "
                    + "the project venv from requirements.txt.");
        }
        int port = freePort();
        Path log = buildDirectory().resolve("moto-server-" + port + ".log");
        try {
            Files.createDirectories(log.getParent());
            Process process = new ProcessBuilder(executable.toString(), "-H", "127.0.0.1", "-p", String.valueOf(port))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(process), "moto-server-shutdown"));
            URI endpoint = URI.create("http://127.0.0.1:" + port);
            awaitReady(process, endpoint, log);
            return new MotoServer(endpoint, false,
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")), Region.of(REGION));
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + executable, e);
        }
    }

    private static MotoServer onLocalStack(LocalStack localStack) {
        return new MotoServer(localStack.endpoint(), true, localStack.credentials(), localStack.region());
    }

    private static void awaitReady(Process process, URI endpoint, Path log) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest probe = HttpRequest.newBuilder(endpoint.resolve("/moto-api/")).timeout(Duration.ofSeconds(2))
                .build();
        Instant deadline = Instant.now().plus(STARTUP_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("moto_server exited with " + process.exitValue() + "; see " + log);
            }
            try {
                http.send(probe, HttpResponse.BodyHandlers.discarding());
                return;
            } catch (IOException notYet) {
                sleep(Duration.ofMillis(100));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for moto_server", e);
            }
        }
        stop(process);
        throw new IllegalStateException("moto_server did not answer within " + STARTUP_TIMEOUT + "; see " + log);
    }

    private static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The build's own directory (it may be overridden per build), found from where the test classes were loaded. */
    private static Path buildDirectory() {
        try {
            Path classes = Path.of(MotoServer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isDirectory(classes) ? classes.getParent() : Path.of("target");
        } catch (URISyntaxException | RuntimeException e) {
            return Path.of("target");
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for moto_server", e);
        }
    }
}
