package dev.gatekeeper.bench.coldstart;

import dev.gatekeeper.core.keys.SigningAlgorithm;
import dev.gatekeeper.bench.common.BenchSupport;
import dev.gatekeeper.bench.floor.ConstantResponseHandler;
import dev.gatekeeper.local.seed.SeedLoader;
import dev.gatekeeper.local.storage.SigningKeySecrets;
import dev.gatekeeper.local.template.FunctionDefinition;
import dev.gatekeeper.local.template.SamTemplate;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Cold start under the real Lambda runtime (issue 7): each function is started N times in a fresh JVM running
 * the Lambda runtime interface client against {@link LocalRuntimeApi}, with the JVM flags of the Lambda java17
 * runtime for the function's MemorySize, against DynamoDB Local and moto (Secrets Manager) in separate processes.
 * A trivial handler, started the same way in the same run, is the floor.
 *
 * <p>Arguments: {@code LogicalId=event.json} pairs (default {@code RequestTokenFunction=events/request-token.json}),
 * paths relative to the repository. Environment: {@code COLD_STARTS} (default 10).
 */
public final class ColdStartBenchmark {
    static final String FLOOR = "trivial handler (floor)";
    private static final String REGION = "us-east-1";
    private static final String ACCOUNT = "123456789012";
    private static final Duration INVOCATION_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern STATUS_CODE = Pattern.compile("\"statusCode\"\\s*:\\s*(\\d+)");
    static final String BEGIN_MARKER = "<!-- cold-start:begin (written by scripts/bench-cold-start) -->";
    static final String END_MARKER = "<!-- cold-start:end -->";

    /** A function as the benchmark starts it: its deployment directory, handler, environment and event. */
    record Target(String name, Path taskRoot, String handler, int memoryMb, Map<String, String> environment, String event) {
    }

    private ColdStartBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path repo = Path.of(System.getProperty("gatekeeper.repoRoot", "..")).toAbsolutePath().normalize();
        Path benchTarget = repo.resolve("bench/target");
        Path work = benchTarget.resolve("cold-start");
        Path logs = work.resolve("logs");
        Files.createDirectories(logs);
        int coldStarts = Integer.parseInt(System.getenv().getOrDefault("COLD_STARTS", "10"));
        Map<String, String> wanted = new LinkedHashMap<>();
        for (String arg : args.length == 0 ? new String[] {"RequestTokenFunction=events/request-token.json"} : args) {
            String[] pair = arg.split("=", 2);
            if (pair.length != 2) {
                throw new IllegalArgumentException("expected LogicalId=event.json, got " + arg);
            }
            wanted.put(pair[0], pair[1]);
        }
        SamTemplate template = SamTemplate.load(repo.resolve("template.yaml"));
        List<String> runtimeClasspath = runtimeClasspath(benchTarget.resolve("runtime"));

        Process moto = null;
        try (DynamoDbLocalProcess dynamo = DynamoDbLocalProcess.start(System.getProperty("java.class.path"),
                logs.resolve("dynamodb-local.log"));
             LocalRuntimeApi runtimeApi = new LocalRuntimeApi()) {
            int motoPort = freePort();
            moto = new ProcessBuilder(repo.resolve(".venv/bin/moto_server").toString(), "-H", "127.0.0.1",
                    "-p", Integer.toString(motoPort))
                    .redirectErrorStream(true)
                    .redirectOutput(logs.resolve("moto.log").toFile())
                    .start();
            URI motoEndpoint = URI.create("http://127.0.0.1:" + motoPort);
            awaitHttp(motoEndpoint.resolve("/moto-api/"), Duration.ofSeconds(30));
            System.out.println("DynamoDB Local (child JVM) at " + dynamo.endpoint() + ", moto at " + motoEndpoint
                    + ", Runtime API at " + runtimeApi.address());

            List<Target> targets = new ArrayList<>();
            targets.add(floor(benchTarget, template, wanted.keySet().iterator().next()));
            for (Map.Entry<String, String> entry : wanted.entrySet()) {
                targets.add(function(repo, template, entry.getKey(), entry.getValue(), dynamo.endpoint(), motoEndpoint));
            }

            // One discarded start of each first: the page cache, and the emulators' own first requests.
            for (Target target : targets) {
                coldStart(target, runtimeClasspath, runtimeApi, logs.resolve(slug(target.name()) + "-warmup.log"));
            }
            Map<String, List<long[]>> samples = new LinkedHashMap<>();
            // Interleaved, so a drift of the machine over the run touches every function alike.
            for (int i = 1; i <= coldStarts; i++) {
                for (Target target : targets) {
                    long[] sample = coldStart(target, runtimeClasspath, runtimeApi,
                            logs.resolve(slug(target.name()) + "-" + i + ".log"));
                    samples.computeIfAbsent(target.name(), key -> new ArrayList<>()).add(sample);
                    System.out.printf(Locale.ROOT, "  %-40s #%-2d init %7.1f ms   first response %7.1f ms%n",
                            target.name(), i, sample[0] / 1e6, sample[1] / 1e6);
                }
            }
            String report = ColdStartReport.markdown(samples, FLOOR, targets, coldStarts, jvmFlags(512));
            System.out.println();
            System.out.println(report);
            Files.writeString(work.resolve("results.md"), report);
            updateBenchmarksFile(repo.resolve("BENCHMARKS.md"), report);
        } finally {
            if (moto != null) {
                moto.destroy();
                if (!moto.waitFor(10, TimeUnit.SECONDS)) {
                    moto.destroyForcibly();
                }
            }
        }
    }

    /**
     * The flags the Lambda Java runtime starts its JVM with for a given MemorySize: heap 85 %, metaspace 10 % and
     * code cache 5 % of the memory (the java11 runtime's published command line, 222823k / 26214k / 13107k at
     * 256 MB, scaled), the serial collector, the JDK's CDS archive, and, since java17, C1 only.
     */
    static List<String> jvmFlags(int memoryMb) {
        return BenchSupport.lambdaJvmFlags(memoryMb);
    }

    /** One fresh JVM: {init, first response} in nanoseconds from the process start. */
    private static long[] coldStart(Target target, List<String> runtimeClasspath, LocalRuntimeApi runtimeApi, Path log)
            throws Exception {
        List<String> command = new ArrayList<>();
        command.add(DynamoDbLocalProcess.javaBinary());
        command.addAll(jvmFlags(target.memoryMb()));
        // For experiments (an AppCDS archive, -Xlog:class+load): appended to every JVM of the run, floor included.
        String extra = System.getenv().getOrDefault("BENCH_EXTRA_JVM_FLAGS", "").strip();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.add("-classpath");
        command.add(String.join(":", runtimeClasspath));
        command.add("com.amazonaws.services.lambda.runtime.api.client.AWSLambda");
        command.add(target.handler());
        ProcessBuilder builder = new ProcessBuilder(command)
                // The client loads the function from its working directory and lib/, as from /var/task on Lambda.
                .directory(target.taskRoot().toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> environment = builder.environment();
        environment.clear();
        environment.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        environment.put("LANG", "en_US.UTF-8");
        environment.put("TZ", ":UTC");
        environment.put("LAMBDA_TASK_ROOT", target.taskRoot().toString());
        environment.put("AWS_LAMBDA_RUNTIME_API", runtimeApi.address());
        environment.put("_HANDLER", target.handler());
        environment.put("AWS_REGION", REGION);
        environment.put("AWS_DEFAULT_REGION", REGION);
        environment.put("AWS_LAMBDA_FUNCTION_NAME", slug(target.name()));
        environment.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        environment.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(target.memoryMb()));
        environment.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
        environment.put("AWS_LAMBDA_LOG_FORMAT", "JSON");
        environment.put("AWS_LAMBDA_LOG_LEVEL", "INFO");
        environment.put("AWS_ACCESS_KEY_ID", "bench");
        environment.put("AWS_SECRET_ACCESS_KEY", "bench");
        environment.put("AWS_SESSION_TOKEN", "bench");
        environment.putAll(target.environment());

        CompletableFuture<LocalRuntimeApi.Outcome> pending = runtimeApi.expect(target.event(),
                "arn:aws:lambda:" + REGION + ":" + ACCOUNT + ":function:" + slug(target.name()));
        long start = System.nanoTime();
        Process process = builder.start();
        try {
            LocalRuntimeApi.Outcome outcome = LocalRuntimeApi.await(pending, INVOCATION_TIMEOUT);
            if (!outcome.succeeded()) {
                throw new IllegalStateException(target.name() + ": " + outcome.kind() + ": " + outcome.body()
                        + " (log: " + log + ")");
            }
            Matcher status = STATUS_CODE.matcher(outcome.body());
            // A 4xx/5xx first response would time an error path, not the function's work.
            if (!status.find() || !status.group(1).startsWith("2") || status.group(1).length() != 3) {
                throw new IllegalStateException(target.name() + " answered other than 2xx: "
                        + outcome.body().substring(0, Math.min(500, outcome.body().length())) + " (log: " + log + ")");
            }
            return new long[] {outcome.firstNextNanos() - start, outcome.responseNanos() - start};
        } finally {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    /** The trivial handler, deployed alone with the events library, under the first function's memory and flags. */
    private static Target floor(Path benchTarget, SamTemplate template, String referenceFunction) throws IOException {
        Path taskRoot = benchTarget.resolve("floor-function");
        String resource = ConstantResponseHandler.class.getName().replace('.', '/') + ".class";
        Path classFile = taskRoot.resolve(resource);
        Files.createDirectories(classFile.getParent());
        try (InputStream in = ColdStartBenchmark.class.getClassLoader().getResourceAsStream(resource)) {
            Files.copy(in, classFile, StandardCopyOption.REPLACE_EXISTING);
        }
        FunctionDefinition reference = template.function(referenceFunction)
                .orElseThrow(() -> new IllegalArgumentException("no function " + referenceFunction + " in template.yaml"));
        Map<String, String> environment = new LinkedHashMap<>();
        // Globals apply to every function of the template, the floor included.
        String toolOptions = reference.environment().variables().get("JAVA_TOOL_OPTIONS");
        if (toolOptions != null) {
            environment.put("JAVA_TOOL_OPTIONS", toolOptions);
        }
        return new Target(FLOOR, taskRoot, ConstantResponseHandler.class.getName() + "::handleRequest",
                reference.memorySizeMb(), environment, "{\"httpMethod\":\"GET\",\"path\":\"/\"}");
    }

    /**
     * A function of the template, from its {@code sam build} directory, with its environment as the template
     * declares it: the table and secret it names are created and seeded, and the SDK's per-service endpoint
     * variables point at the emulators (AWS_ENDPOINT_URL would send both clients to one).
     */
    private static Target function(Path repo, SamTemplate template, String logicalId, String eventFile, URI dynamoEndpoint,
            URI motoEndpoint) throws IOException {
        FunctionDefinition function = template.function(logicalId)
                .orElseThrow(() -> new IllegalArgumentException("no function " + logicalId + " in template.yaml"));
        Path taskRoot = repo.resolve(".aws-sam/build").resolve(logicalId);
        if (!Files.isDirectory(taskRoot.resolve("lib"))) {
            throw new IllegalStateException(taskRoot + " has no sam build output; run scripts/check-template");
        }
        Map<String, String> environment = new LinkedHashMap<>(function.environment().variables());
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench"));
        try (DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(dynamoEndpoint).region(Region.of(REGION))
                     .credentialsProvider(credentials).httpClientBuilder(ApacheHttpClient.builder()).build();
             SecretsManagerClient secrets = SecretsManagerClient.builder().endpointOverride(motoEndpoint)
                     .region(Region.of(REGION)).credentialsProvider(credentials)
                     .httpClientBuilder(ApacheHttpClient.builder()).build()) {
            for (String name : function.environment().declaredNames()) {
                String resource = function.environment().referencedResource(name).orElse(null);
                if (resource == null) {
                    continue;
                }
                if (template.table(resource).isPresent()) {
                    SeedLoader.seedTable(dynamo, template.table(resource).get(), resource,
                            repo.resolve("events/seed.json"), "bench", System.out::println);
                    environment.put(name, resource);
                } else if (template.secret(resource).isPresent()) {
                    SigningKeySecrets.ensure(secrets, resource, SigningAlgorithm.RS256, Clock.systemUTC(), System.out::println);
                    environment.put(name, secrets.describeSecret(request -> request.secretId(resource)).arn());
                }
            }
        }
        environment.remove("AWS_ENDPOINT_URL");
        environment.put("AWS_ENDPOINT_URL_DYNAMODB", dynamoEndpoint.toString());
        environment.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", motoEndpoint.toString());
        String event = Files.readString(repo.resolve(eventFile));
        return new Target(logicalId, taskRoot, function.handlerClass() + "::" + function.handlerMethod(),
                function.memorySizeMb(), environment, event);
    }

    private static List<String> runtimeClasspath(Path directory) throws IOException {
        List<String> jars = new ArrayList<>();
        try (var files = Files.list(directory)) {
            files.filter(path -> path.toString().endsWith(".jar")).sorted().forEach(path -> jars.add(path.toString()));
        }
        if (jars.stream().noneMatch(jar -> jar.contains("runtime-interface-client"))) {
            throw new IllegalStateException(directory + " has no runtime interface client; build bench/ first");
        }
        return jars;
    }

    private static void updateBenchmarksFile(Path file, String report) throws IOException {
        String block = BEGIN_MARKER + "\n" + report.strip() + "\n" + END_MARKER;
        if (!Files.exists(file)) {
            Files.writeString(file, "# Benchmarks\n\n## Cold start\n\n" + block + "\n");
            return;
        }
        String text = Files.readString(file);
        int begin = text.indexOf(BEGIN_MARKER);
        int end = text.indexOf(END_MARKER);
        if (begin < 0 || end < begin) {
            System.out.println("BENCHMARKS.md has no cold-start markers; results left in bench/target/cold-start/results.md");
            return;
        }
        Files.writeString(file, text.substring(0, begin) + block + text.substring(end + END_MARKER.length()));
        System.out.println("Updated the cold-start figures in " + file);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void awaitHttp(URI uri, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpURLConnection connection = (HttpURLConnection) new URL(uri.toString()).openConnection();
                connection.setConnectTimeout(500);
                if (connection.getResponseCode() > 0) {
                    connection.disconnect();
                    return;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("moto did not answer on " + uri + " within " + timeout.toSeconds() + " s");
    }

    static String slug(String name) {
        return name.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }

    static String now() {
        return BenchSupport.now();
    }

    static String javaVersion() {
        return BenchSupport.javaVersion();
    }
}
