package dev.gatekeeper.bench.throughput;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Throughput of the local runner (issue 7): token issuance, single-token revocation and the authorizer, each at
 * several concurrencies, closed loop, against one runner process started as {@code scripts/run} starts it, all on
 * 127.0.0.1. Bounded: every point is a fixed warm-up plus a fixed measured window.
 *
 * <p>Scenarios, in this order, on the same runner ({@code --in-memory --seed events/seed.json --no-throttle
 * --protect}, or {@code --store memory} instead of {@code --in-memory}):
 * <ol>
 *   <li><b>issue</b>: {@code POST /tokens} with merchant01's API key and the body of {@code events/request-token.json}
 *       (its lifetime raised so no token expires during the run); expects 201. Afterwards the token records stored
 *       for merchant01 are read from the runner's DynamoDB Local and compared, id by id, with the 201s.</li>
 *   <li><b>revoke</b>: {@code POST /tokens/{id}/revoke} with the same key, each token issued by the first scenario
 *       (topped up beforehand when a point might need more) revoked exactly once; expects 200.</li>
 *   <li><b>authorizer</b>: {@code GET /protected/whoami} with a valid bearer token (one per worker), decided by the
 *       token authorizer function on every request; expects 200.</li>
 * </ol>
 *
 * <p>Configured by system properties (scripts/bench-throughput sets them from the environment): see
 * {@link Config}.
 */
public final class ThroughputBenchmark {
    static final String BEGIN_MARKER = "<!-- throughput:begin -->";
    static final String END_MARKER = "<!-- throughput:end -->";
    /** The figures of a run on {@code --store memory}, kept beside those on DynamoDB Local. */
    static final String MEMORY_BEGIN_MARKER = "<!-- throughput-memory:begin -->";
    static final String MEMORY_END_MARKER = "<!-- throughput-memory:end -->";
    static final String DYNAMODB_LOCAL = "dynamodb-local";
    static final String MEMORY = "memory";
    static final String ORGANISATION = "merchant01";
    /** Long enough that no token of the run expires before the revoke scenario reaches it. */
    static final int TOKEN_LIFETIME_SECONDS = 3600;
    private static final Pattern TOKEN_ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-fA-F-]{36})\"");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the run is told. */
    /** @param store the runner's {@code --store}: {@value #DYNAMODB_LOCAL} or {@value #MEMORY} */
    record Config(Path repo, List<Integer> concurrencies, Duration preWarm, Duration warmUp, Duration measured,
                  List<String> scenarios, String store,
                  List<String> runnerLauncher, boolean runnerJar, Path outDir, boolean writeBenchmarks, String command) {
        static Config fromSystemProperties() {
            Path repo = Path.of(System.getProperty("gatekeeper.repoRoot", ".")).toAbsolutePath().normalize();
            List<Integer> concurrencies = Arrays.stream(System.getProperty("throughput.concurrencies", "1,4,16,64")
                    .split("[,\\s]+")).filter(s -> !s.isBlank()).map(Integer::valueOf).toList();
            Duration preWarm = seconds(System.getProperty("throughput.prewarmSeconds", "10"));
            Duration warmUp = seconds(System.getProperty("throughput.warmupSeconds", "5"));
            Duration measured = seconds(System.getProperty("throughput.seconds", "10"));
            List<String> scenarios = Arrays.stream(System.getProperty("throughput.scenarios", "issue,revoke,authorizer")
                    .split("[,\\s]+")).filter(s -> !s.isBlank()).map(s -> s.toLowerCase(Locale.ROOT)).toList();
            for (String scenario : scenarios) {
                if (!List.of("issue", "revoke", "authorizer").contains(scenario)) {
                    throw new IllegalArgumentException("unknown scenario " + scenario + " (issue, revoke, authorizer)");
                }
            }
            String store = System.getProperty("throughput.store", DYNAMODB_LOCAL).trim();
            if (!List.of(DYNAMODB_LOCAL, MEMORY).contains(store)) {
                throw new IllegalArgumentException("unknown store " + store + " (" + DYNAMODB_LOCAL + ", " + MEMORY + ")");
            }
            if (concurrencies.isEmpty() || concurrencies.stream().anyMatch(c -> c < 1)) {
                throw new IllegalArgumentException("concurrencies must be positive: " + concurrencies);
            }
            List<String> launcher = new ArrayList<>();
            launcher.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            String flags = System.getProperty("throughput.runnerJavaOpts", "").trim();
            if (!flags.isEmpty()) {
                launcher.addAll(Arrays.asList(flags.split("\\s+")));
            }
            String jar = System.getProperty("throughput.runnerJar", "").trim();
            boolean isJar = !jar.isEmpty();
            if (isJar) {
                launcher.addAll(List.of("-jar", jar));
            } else {
                String classpath = System.getProperty("throughput.runnerClasspath", System.getProperty("java.class.path"));
                launcher.addAll(List.of("-cp", classpath));
            }
            Path outDir = Path.of(System.getProperty("throughput.outDir", repo.resolve("bench/target/throughput").toString()));
            boolean write = !System.getProperty("throughput.write", "true").equalsIgnoreCase("false");
            String command = System.getProperty("throughput.command", "scripts/bench-throughput");
            return new Config(repo, concurrencies, preWarm, warmUp, measured, scenarios, store, launcher, isJar, outDir,
                    write, command);
        }

        boolean dynamoDbLocal() {
            return store.equals(DYNAMODB_LOCAL);
        }

        private static Duration seconds(String value) {
            return Duration.ofMillis(Math.round(Double.parseDouble(value) * 1000));
        }
    }

    /** The figures of one scenario's points, and what else the report says about it. */
    record ScenarioResult(String name, String request, List<LoadPoint.Result> points, List<String> notes) {
    }

    private final Config config;
    private final List<String> problems = new ArrayList<>();

    /** merchant01's API key from events/seed.json, as an Authorization header. */
    private final String basic;

    private ThroughputBenchmark(Config config) throws IOException {
        this.config = config;
        String apiKey = apiKey(config.repo().resolve("events/seed.json"), ORGANISATION);
        this.basic = "Authorization: Basic " + Base64.getEncoder()
                .encodeToString((apiKey + ":").getBytes(StandardCharsets.UTF_8));
    }

    public static void main(String[] args) throws Exception {
        Config config = Config.fromSystemProperties();
        int status = new ThroughputBenchmark(config).run();
        System.exit(status);
    }

    private int run() throws Exception {
        String loadBefore = ThroughputReport.loadAverage();
        byte[] tokenBody = tokenRequestBody(config.repo().resolve("events/request-token.json"));
        List<String> runnerOptions = new ArrayList<>(config.dynamoDbLocal() ? List.of("--in-memory")
                : List.of("--store", MEMORY));
        runnerOptions.addAll(List.of("--seed", "events/seed.json", "--no-throttle", "--protect"));
        Files.createDirectories(config.outDir());
        Path log = config.outDir().resolve("runner.log");

        long began = System.nanoTime();
        List<ScenarioResult> results = new ArrayList<>();
        RunnerProcess runner = RunnerProcess.start(config.runnerLauncher(), config.runnerJar(), runnerOptions,
                config.repo(), log, config.dynamoDbLocal());
        String runnerCommand;
        int runnerExit;
        try {
            System.out.printf(Locale.ROOT, "runner pid %d on 127.0.0.1:%d (%s, table %s), up in %.1f s; "
                            + "log: %s%n", runner.pid(), runner.port(), runner.dynamoDbEndpoint()
                            .map(endpoint -> "DynamoDB Local " + endpoint).orElse("store in its memory"), runner.tableName(),
                    runner.startup().toMillis() / 1000.0, log);
            runnerCommand = displayCommand(runner.command());
            int port = runner.port();
            byte[] issueRequest = HttpConnection.request("POST", "/tokens", port,
                    new String[] {basic, "Content-Type: application/json", "Accept: application/json"}, tokenBody);
            // Ids of every token issued (any scenario), in order; the revoke scenario takes them from here.
            ConcurrentLinkedQueue<String> pool = new ConcurrentLinkedQueue<>();
            Map<Integer, Double> issueRates = new LinkedHashMap<>();

            if (config.scenarios().contains("issue")) {
                results.add(issue(runner, issueRequest, pool, issueRates));
            }
            if (config.scenarios().contains("revoke")) {
                results.add(revoke(runner, issueRequest, basic, pool, issueRates));
            }
            if (config.scenarios().contains("authorizer")) {
                results.add(authorizer(runner, issueRequest));
            }
        } finally {
            runner.close();
        }
        runnerExit = runner.exitValue();
        // 143 = ended by SIGTERM without running to completion; the runner's hook returns 0 after a clean stop.
        if (runnerExit != 0 && runnerExit != 143) {
            problems.add("the runner exited with status " + runnerExit + " after SIGTERM (log: " + log + ")");
        }
        Duration total = Duration.ofNanos(System.nanoTime() - began);

        String report = ThroughputReport.markdown(config, results, runnerCommand, runner.startup(), total, loadBefore,
                problems);
        System.out.println();
        System.out.println(report);
        Path resultFile = config.outDir().resolve("results.md");
        Files.writeString(resultFile, report);
        if (config.writeBenchmarks()) {
            ThroughputReport.updateBenchmarksFile(config.repo().resolve("BENCHMARKS.md"), report, config.dynamoDbLocal());
        } else {
            System.out.println("BENCHMARKS.md left as it is (THROUGHPUT_WRITE=0); results in " + resultFile);
        }
        if (!problems.isEmpty()) {
            System.out.println("FLAGGED: " + String.join("; ", problems));
            return 1;
        }
        return 0;
    }

    private ScenarioResult issue(RunnerProcess runner, byte[] issueRequest, ConcurrentLinkedQueue<String> pool,
                                 Map<Integer, Double> issueRates) throws InterruptedException {
        Optional<URI> dynamoDb = runner.dynamoDbEndpoint();
        Set<String> before = dynamoDb.isPresent() ? StoredTokens.ids(dynamoDb.get(), runner.tableName(), ORGANISATION)
                : Set.of();
        AtomicLong created = new AtomicLong();
        Set<String> issued = java.util.concurrent.ConcurrentHashMap.newKeySet();
        LoadPoint.Workload workload = issuing(worker -> issueRequest, id -> {
            created.incrementAndGet();
            if (id != null) {
                issued.add(id);
                pool.add(id);
            }
        });
        List<String> notes = new ArrayList<>();
        List<LoadPoint.Result> points = new ArrayList<>();
        preWarm("issue", runner, workload, notes);
        for (int concurrency : config.concurrencies()) {
            LoadPoint.Result point = point("issue", runner, concurrency, workload);
            points.add(point);
            issueRates.put(concurrency, point.perSecond());
        }

        if (dynamoDb.isEmpty()) {
            countStored(runner, created.get(), issued, pool, notes);
            return new ScenarioResult("issue", "`POST /tokens` (merchant01's API key, 201)", points, notes);
        }
        // "While storing every token": every 201 of this scenario (warm-ups included) has its record in the table.
        long readStarted = System.nanoTime();
        Set<String> after = StoredTokens.ids(dynamoDb.get(), runner.tableName(), ORGANISATION);
        double readSeconds = (System.nanoTime() - readStarted) / 1e9;
        Set<String> added = new HashSet<>(after);
        added.removeAll(before);
        Set<String> missing = new HashSet<>(issued);
        missing.removeAll(after);
        String check = String.format(Locale.ROOT, "%,d responses 201 (all warm-ups included), %,d distinct token ids in "
                        + "them; token records stored for %s: %,d before the scenario, %,d after (%,d new; read back "
                        + "with a consistent Query in %.1f s); issued but not stored: %,d", created.get(), issued.size(),
                ORGANISATION, before.size(), after.size(), added.size(), readSeconds, missing.size());
        boolean stored = missing.isEmpty() && added.size() == created.get() && issued.size() == created.get();
        notes.add("**Storage check: " + (stored ? "every issued token is stored" : "MISMATCH") + "**: " + check + ".");
        System.out.println("store check: " + check);
        if (!stored) {
            problems.add("storage check failed: " + check);
        }
        return new ScenarioResult("issue", "`POST /tokens` (merchant01's API key, 201)", points, notes);
    }

    /**
     * The storage check of a runner whose store has no door but the API ({@code --store memory}): a revoke-all of
     * merchant01 right after the issue points, whose count is exact (every stored token of the organisation that
     * is live and not revoked, counted in the store), must be the number of tokens issued, all of them for it on a
     * runner that had none before. Those tokens are revoked then, so the revoke scenario issues its own.
     */
    private void countStored(RunnerProcess runner, long created, Set<String> issued, ConcurrentLinkedQueue<String> pool,
                             List<String> notes) {
        long count;
        try (HttpConnection connection = new HttpConnection(runner.port())) {
            HttpConnection.Response response = connection.exchange(HttpConnection.request("POST", "/tokens/revoke",
                    runner.port(), new String[] {basic, "Accept: application/json"}, null), true, 200);
            if (response.status() != 200) {
                problems.add("storage check: the revoke-all answered HTTP " + response.status() + " " + response.text());
                return;
            }
            count = JSON.readTree(response.body()).path("data").path("revokedTokensCount").asLong(-1);
        } catch (IOException e) {
            problems.add("storage check: the revoke-all failed: " + e);
            return;
        }
        pool.clear();
        String check = String.format(Locale.ROOT, "%,d responses 201 (all warm-ups included), %,d distinct token ids "
                + "in them; `POST /tokens/revoke` for %s right after the last point counted %,d active tokens "
                + "(the store's count of its live, unrevoked records of the organisation, which held none before)",
                created, issued.size(), ORGANISATION, count);
        boolean stored = count == created && issued.size() == created;
        notes.add("**Storage check, through the API (the runner's memory has no other door): "
                + (stored ? "every issued token is stored" : "MISMATCH") + "**: " + check
                + ". The revoke scenario then revokes tokens issued after it.");
        System.out.println("store check: " + check);
        if (!stored) {
            problems.add("storage check failed: " + check);
        }
    }

    private ScenarioResult revoke(RunnerProcess runner, byte[] issueRequest, String basic,
                                  ConcurrentLinkedQueue<String> pool, Map<Integer, Double> issueRates)
            throws InterruptedException {
        int port = runner.port();
        LoadPoint.Workload workload = new LoadPoint.Workload() {
            @Override
            public byte[] next(int worker) {
                String id = pool.poll();
                return id == null ? null : HttpConnection.request("POST", "/tokens/" + id + "/revoke", port,
                        new String[] {basic, "Accept: application/json"}, null);
            }

            @Override
            public int expectedStatus() {
                return 200;
            }
        };
        List<String> notes = new ArrayList<>();
        List<LoadPoint.Result> points = new ArrayList<>();
        long[] toppedUp = {0};
        double[] topUpSeconds = {0};
        double fastestIssue = issueRates.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        // Enough unrevoked tokens for each phase (warm-ups included), with a margin: revoking may well be faster than
        // issuing, which it does not sign. Tokens left over serve the next phase.
        java.util.function.BiConsumer<Double, Double> ensure = (rate, seconds) -> {
            long needed = (long) Math.ceil(1.5 * rate * seconds) + 128;
            long have = pool.size();
            if (have < needed) {
                long started = System.nanoTime();
                try {
                    toppedUp[0] += topUp(runner, issueRequest, pool, needed - have);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
                topUpSeconds[0] += (System.nanoTime() - started) / 1e9;
            }
        };
        ensure.accept(fastestIssue > 0 ? 2 * fastestIssue : 500, config.preWarm().toNanos() / 1e9);
        double fastestRevoke = preWarm("revoke", runner, workload, notes);
        double window = (config.warmUp().toNanos() + config.measured().toNanos()) / 1e9;
        for (int concurrency : config.concurrencies()) {
            double estimate = Math.max(Math.max(fastestRevoke, issueRates.getOrDefault(concurrency, 0.0)), 50);
            ensure.accept(estimate, window);
            LoadPoint.Result point = point("revoke", runner, concurrency, workload);
            points.add(point);
            fastestRevoke = Math.max(fastestRevoke, point.perSecond());
            if (point.exhausted() && point.window().compareTo(config.measured().dividedBy(2)) < 0) {
                problems.add("revoke at " + concurrency + " workers ran out of tokens; its window was cut to "
                        + point.window().toMillis() + " ms");
            }
        }
        notes.add(String.format(Locale.ROOT, "Each token is revoked once: the revoke phases take the tokens the issue "
                + "scenario stored (or, without it, tokens issued first), oldest first; %,d more were issued "
                + "beforehand, outside the measured windows (%.1f s), so that no phase runs out (a point that still "
                + "did is marked, its rate over the shortened window).", toppedUp[0], topUpSeconds[0]));
        return new ScenarioResult("revoke", "`POST /tokens/{id}/revoke` (merchant01's API key, 200), each token once",
                points, notes);
    }

    /**
     * Token issuance: the requests {@code next} gives (null: none left), each 201 handing the issued token's id (null
     * if the body has none) to {@code issued}.
     */
    private static LoadPoint.Workload issuing(java.util.function.IntFunction<byte[]> next,
                                              java.util.function.Consumer<String> issued) {
        return new LoadPoint.Workload() {
            @Override
            public byte[] next(int worker) {
                return next.apply(worker);
            }

            @Override
            public boolean keepBody() {
                return true;
            }

            @Override
            public int expectedStatus() {
                return 201;
            }

            @Override
            public void succeeded(byte[] body) {
                issued.accept(tokenId(body));
            }
        };
    }

    /** Issues {@code count} more tokens into the pool, as fast as the runner goes, outside any measured window. */
    private long topUp(RunnerProcess runner, byte[] issueRequest, ConcurrentLinkedQueue<String> pool, long count)
            throws InterruptedException {
        AtomicLong reserved = new AtomicLong();
        AtomicLong added = new AtomicLong();
        LoadPoint.Workload workload = issuing(worker -> reserved.incrementAndGet() <= count ? issueRequest : null,
                id -> {
                    if (id != null) {
                        pool.add(id);
                        added.incrementAndGet();
                    }
                });
        int concurrency = Math.min(16, config.concurrencies().stream().mapToInt(Integer::intValue).max().orElse(16));
        System.out.printf(Locale.ROOT, "issuing %,d more tokens for the revoke scenario%n", count);
        LoadPoint.Result result = LoadPoint.run(runner.port(), concurrency, Duration.ZERO, Duration.ofMinutes(10),
                workload, LoadPoint.CpuProbe.NONE);
        if (result.allErrors() > 0) {
            problems.add("issuing tokens for the revoke scenario: " + result.allErrors() + " errors, first: "
                    + result.firstError().orElse("?"));
        }
        return added.get();
    }

    private ScenarioResult authorizer(RunnerProcess runner, byte[] issueRequest) throws InterruptedException, IOException {
        int port = runner.port();
        int tokens = config.concurrencies().stream().mapToInt(Integer::intValue).max().orElse(1);
        byte[][] requests = new byte[tokens][];
        try (HttpConnection connection = new HttpConnection(port)) {
            for (int i = 0; i < tokens; i++) {
                HttpConnection.Response response = connection.exchange(issueRequest, true, 201);
                if (response.status() != 201) {
                    throw new IllegalStateException("could not issue a token for the authorizer scenario: HTTP "
                            + response.status() + " " + response.text());
                }
                String jwt = JSON.readTree(response.body()).path("data").path("accessToken").asText();
                requests[i] = HttpConnection.request("GET", "/protected/whoami", port,
                        new String[] {"Authorization: Bearer " + jwt, "Accept: application/json"}, null);
            }
        }
        LoadPoint.Workload workload = new LoadPoint.Workload() {
            @Override
            public byte[] next(int worker) {
                return requests[worker % requests.length];
            }

            @Override
            public int expectedStatus() {
                return 200;
            }
        };
        List<String> notes = new ArrayList<>();
        List<LoadPoint.Result> points = new ArrayList<>();
        preWarm("authorizer", runner, workload, notes);
        for (int concurrency : config.concurrencies()) {
            points.add(point("authorizer", runner, concurrency, workload));
        }
        notes.add("Each worker presents its own bearer token (issued before the scenario, never "
                + "revoked); the runner decides every request afresh (the sample API's `ReauthorizeEvery: 0`), so each "
                + "is one TokenAuthorizerFunction invocation: signature and claims, then the token's record.");
        return new ScenarioResult("authorizer", "`GET /protected/whoami` behind TokenAuthorizerFunction (bearer token, 200)",
                points, notes);
    }

    /**
     * The scenario's code paths compiled before its first point (the JIT would otherwise be busy in the first, one
     * worker, point): a fixed time at up to 16 workers, in no figure. Returns the rate it reached.
     */
    private double preWarm(String scenario, RunnerProcess runner, LoadPoint.Workload workload, List<String> notes)
            throws InterruptedException {
        if (config.preWarm().isZero()) {
            return 0;
        }
        int concurrency = Math.min(16, config.concurrencies().stream().mapToInt(Integer::intValue).max().orElse(16));
        LoadPoint.Result result = LoadPoint.run(runner.port(), concurrency, Duration.ZERO, config.preWarm(), workload,
                LoadPoint.CpuProbe.NONE);
        System.out.printf(Locale.ROOT, "%-10s pre-warm, %d workers: %.1f req/s, errors %d%n", scenario, concurrency,
                result.perSecond(), result.allErrors());
        if (result.allErrors() > 0) {
            problems.add(scenario + " pre-warm: " + result.allErrors() + " errors (first: "
                    + result.firstError().orElse("?") + ")");
        }
        notes.add(String.format(Locale.ROOT, "Before its points: %s s of pre-warm at %d workers (%,.0f requests/s; in "
                + "no figure).", ThroughputReport.seconds(config.preWarm()), concurrency, result.perSecond()));
        return result.perSecond();
    }

    private LoadPoint.Result point(String scenario, RunnerProcess runner, int concurrency, LoadPoint.Workload workload)
            throws InterruptedException {
        LoadPoint.Result result = LoadPoint.run(runner.port(), concurrency, config.warmUp(), config.measured(), workload,
                runner);
        System.out.printf(Locale.ROOT, "%-10s %3d workers: %8.1f req/s  p50 %7.2f ms  p99 %7.2f ms  errors %d (%d with "
                        + "warm-up)  runner CPU %.2f cores  driver CPU %.2f cores%s%n", scenario, concurrency,
                result.perSecond(), result.percentileMillis(50), result.percentileMillis(99), result.errors(),
                result.allErrors(), LoadPoint.Result.cores(result.runnerCpu(), result.window()),
                LoadPoint.Result.cores(result.driverCpu(), result.window()),
                result.firstError().map(error -> "\n  first error: " + error).orElse(""));
        StringBuilder groups = new StringBuilder("           runner CPU ms/request:");
        result.runnerCpuByThreadGroup().forEach((group, nanos) -> groups.append(String.format(Locale.ROOT, " %s %.3f;",
                group, result.requests() == 0 ? Double.NaN : nanos / 1e6 / result.requests())));
        System.out.println(groups);
        if (result.allErrors() > 0) {
            problems.add(scenario + " at " + concurrency + " workers: " + result.allErrors() + " errors (first: "
                    + result.firstError().orElse("?") + ")");
        }
        if (result.requests() == 0) {
            problems.add(scenario + " at " + concurrency + " workers: nothing completed in the measured window");
        }
        return result;
    }

    static String tokenId(byte[] body) {
        if (body == null) {
            return null;
        }
        Matcher matcher = TOKEN_ID.matcher(new String(body, StandardCharsets.UTF_8));
        return matcher.find() ? matcher.group(1) : null;
    }

    private static String apiKey(Path seed, String organisation) throws IOException {
        for (JsonNode entry : JSON.readTree(seed.toFile()).path("organisations")) {
            if (entry.path("id").asText().equals(organisation) && entry.path("apiKeys").size() > 0) {
                return entry.path("apiKeys").get(0).asText();
            }
        }
        throw new IllegalStateException(seed + " has no API key for " + organisation);
    }

    /** The body of events/request-token.json, with a lifetime that outlasts the run. */
    private static byte[] tokenRequestBody(Path event) throws IOException {
        JsonNode body = JSON.readTree(JSON.readTree(event.toFile()).path("body").asText());
        ((ObjectNode) body).put("expiresIn", TOKEN_LIFETIME_SECONDS);
        return JSON.writeValueAsBytes(body);
    }

    /** The runner's command line as the report shows it: the class path shortened. */
    private static String displayCommand(List<String> command) {
        List<String> shown = new ArrayList<>(command);
        shown.set(0, "java");
        int cp = shown.indexOf("-cp");
        if (cp >= 0 && cp + 1 < shown.size()) {
            shown.set(cp + 1, "<gatekeeper-local and its runtime dependencies>");
        }
        for (String option : List.of("--port", "--dynamodb-port")) {
            int at = shown.indexOf(option);
            if (at >= 0 && at + 1 < shown.size()) {
                shown.set(at + 1, "<free>");
            }
        }
        return String.join(" ", shown);
    }
}
