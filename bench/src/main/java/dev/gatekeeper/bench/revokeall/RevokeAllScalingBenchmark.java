package dev.gatekeeper.bench.revokeall;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatekeeper.core.keys.SigningAlgorithm;
import dev.gatekeeper.adapter.dynamodb.DynamoDbApiKeyRegistry;
import dev.gatekeeper.adapter.dynamodb.DynamoDbOrganisationRegistry;
import dev.gatekeeper.bench.coldstart.DynamoDbLocalProcess;
import dev.gatekeeper.config.Gatekeeper;
import dev.gatekeeper.config.GatekeeperConfig;
import dev.gatekeeper.core.organisation.AccessType;
import dev.gatekeeper.core.organisation.OrganisationId;
import dev.gatekeeper.core.token.TokenId;
import dev.gatekeeper.core.token.TokenRecord;
import dev.gatekeeper.core.token.TokenStore;
import dev.gatekeeper.handler.RevokeAllTokensHandler;
import dev.gatekeeper.local.lambda.LambdaJson;
import dev.gatekeeper.local.lambda.LocalLambdaContext;
import dev.gatekeeper.local.seed.SeedFile;
import dev.gatekeeper.local.seed.SeedLoader;
import dev.gatekeeper.local.storage.FileSigningKeySource;
import dev.gatekeeper.local.storage.TemplateTables;
import dev.gatekeeper.local.template.FunctionDefinition;
import dev.gatekeeper.local.template.SamTemplate;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Revoke-all at scale (issue 7): for organisations holding 10 … 100 000 active tokens, the time of the real
 * {@code RevokeAllTokensFunction} handler's call (API key check, generation bump, count, audit), the count it
 * answers against the number of tokens that were active, and every token's refusal afterwards, checked through
 * the read the authorizer and bearer checks make ({@link TokenStore#findLive}).
 *
 * <p>The handler runs in this JVM, built by the composition root as Lambda builds it, against DynamoDB Local in a
 * child JVM (its own CPU time and heap, as a separate service). Tokens are stored through the real store (so
 * every counter and index entry is what issuance writes), with expiries spread over the hour around the revoke-all:
 * some already expired, some expiring within the revoke-all's own minute, most later. Their JWTs are never made:
 * signing plays no part in revoke-all. The clock is fixed at the revoke-all's instant, so the exact count is known.
 */
public final class RevokeAllScalingBenchmark {
    static final String BEGIN_MARKER = "<!-- revoke-all:begin (written by scripts/bench-revoke-all) -->";
    static final String END_MARKER = "<!-- revoke-all:end -->";
    private static final String FUNCTION = "RevokeAllTokensFunction";
    private static final String TABLE = "TokensTable";
    private static final Instant AT = Instant.parse("2026-12-01T12:00:30.250Z");
    /** Expired tokens still stored (up to 10 minutes past their expiry), then an hour of active ones. */
    private static final long EXPIRY_FROM_MILLIS = -600_000;
    private static final long EXPIRY_TO_MILLIS = 3_600_000;
    private static final int LOADERS = 4;
    private static final int WARM_UP_ROUNDS = 30;
    private static final int WARM_UP_TOKENS = 50;
    /** The warm-up organisation's key in the size-to-key map; no real size is negative. */
    private static final int WARM_UP_SIZE = -1;
    private static final OrganisationId WARM_UP = new OrganisationId("rvkwarmup0");

    private RevokeAllScalingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path repo = Path.of(System.getProperty("gatekeeper.repoRoot", "..")).toAbsolutePath().normalize();
        Path work = repo.resolve("bench/target/revoke-all");
        Files.createDirectories(work);
        List<Integer> sizes = new ArrayList<>();
        for (String size : System.getenv().getOrDefault("REVOKE_ALL_SIZES", "10,1000,10000,100000").split(",")) {
            sizes.add(Integer.parseInt(size.trim()));
        }
        int rounds = Integer.parseInt(System.getenv().getOrDefault("REVOKE_ALL_ROUNDS", "3"));
        SamTemplate template = SamTemplate.load(repo.resolve("template.yaml"));
        FunctionDefinition function = template.function(FUNCTION).orElseThrow();
        PrintStream console = System.out;
        // The handler's JSON logs and metrics go to a file, the progress to the console.
        PrintStream functionLog = new PrintStream(new FileOutputStream(work.resolve("function.log").toFile()), true,
                StandardCharsets.UTF_8);

        try (DynamoDbLocalProcess dynamo = DynamoDbLocalProcess.start(System.getProperty("java.class.path"),
                work.resolve("dynamodb-local.log"));
             DynamoDbClient client = DynamoDbClient.builder().endpointOverride(dynamo.endpoint())
                     .region(Region.US_EAST_1)
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                     .httpClientBuilder(ApacheHttpClient.builder().maxConnections(LOADERS * 2))
                     .build()) {
            TemplateTables.ensure(client, template.table(TABLE).orElseThrow(), TABLE, console::println);
            Map<Integer, String> apiKeys = seedOrganisations(client, sizes);
            ExecutorService loaders = Executors.newFixedThreadPool(LOADERS, task -> {
                Thread thread = new Thread(task, "token-loader");
                thread.setDaemon(true);
                return thread;
            });
            FileSigningKeySource keys = new FileSigningKeySource(work.resolve("signing-keys.json"));
            keys.createIfMissing(SigningAlgorithm.RS256, Clock.systemUTC());
            Map<String, String> env = new LinkedHashMap<>(function.environment().variables());
            env.put(GatekeeperConfig.TABLE_NAME, TABLE);
            env.put(GatekeeperConfig.SIGNING_KEY_SECRET_ARN, "file");
            Gatekeeper gatekeeper = Gatekeeper.create(GatekeeperConfig.fromEnvironment(env), client, keys,
                    Clock.fixed(AT, ZoneOffset.UTC), UUID::randomUUID);
            RevokeAllTokensHandler handler = new RevokeAllTokensHandler(gatekeeper);
            String eventJson = Files.readString(repo.resolve("events/revoke-all-tokens.json"));

            // Discarded rounds on an organisation of their own warm the handler, the store's paths (insert, count)
            // and DynamoDB Local, so the first measured size is not the one paying for it.
            System.setOut(functionLog);
            for (int warmUp = 0; warmUp < WARM_UP_ROUNDS; warmUp++) {
                storeTokens(gatekeeper.tokenStore(), WARM_UP, WARM_UP_TOKENS, new SplittableRandom(warmUp), loaders);
                revokeAll(handler, function, eventJson, apiKeys.get(WARM_UP_SIZE));
            }
            System.setOut(console);

            // Rounds outside, sizes inside: a drift of the machine over the run touches every size alike.
            Map<Integer, List<Long>> callNanos = new LinkedHashMap<>();
            Map<Integer, RevokeAllReport.Row> rows = new LinkedHashMap<>();
            for (int round = 1; round <= rounds; round++) {
                for (int size : sizes) {
                    OrganisationId organisation = organisationFor(size);
                    long loadStart = System.nanoTime();
                    List<TokenRecord> tokens = storeTokens(gatekeeper.tokenStore(), organisation, size,
                            new SplittableRandom(31L * size + round), loaders);
                    long active = tokens.stream().filter(token -> token.expiresAt().isAfter(AT)).count();
                    double loadSeconds = (System.nanoTime() - loadStart) / 1e9;

                    System.setOut(functionLog);
                    long start = System.nanoTime();
                    APIGatewayProxyResponseEvent response = revokeAll(handler, function, eventJson, apiKeys.get(size));
                    long callEnd = System.nanoTime();
                    // The first check after the call: the newest token stored, through the bearer checks' read.
                    boolean firstRefused = gatekeeper.tokenStore()
                            .findLive(organisation, tokens.get(tokens.size() - 1).id(), AT).isEmpty();
                    long firstRefusal = System.nanoTime();
                    System.setOut(console);

                    long count = countOf(response);
                    callNanos.computeIfAbsent(size, key -> new ArrayList<>()).add(callEnd - start);
                    boolean lastRound = round == rounds;
                    long refused = lastRound ? refusedCount(gatekeeper.tokenStore(), organisation, tokens, loaders) : -1;
                    console.printf(Locale.ROOT, "  %,7d tokens  round %d  stored in %5.1f s  revoke-all %7.2f ms"
                                    + "  count %,d (active %,d)  first check refused %s at %7.2f ms%s%n",
                            size, round, loadSeconds, (callEnd - start) / 1e6, count, active, firstRefused,
                            (firstRefusal - start) / 1e6,
                            lastRound ? String.format(Locale.ROOT, "  refused %,d of %,d", refused, tokens.size()) : "");
                    if (count != active || !firstRefused || (lastRound && refused != tokens.size())) {
                        throw new IllegalStateException("revoke-all of " + size + " tokens was not exact: count "
                                + count + ", active " + active + ", refused " + refused);
                    }
                    if (lastRound) {
                        rows.put(size, new RevokeAllReport.Row(size, active, count, callNanos.get(size),
                                firstRefusal - start, refused, tokens.size()));
                    }
                }
            }
            loaders.shutdownNow();
            String command = (System.getenv().containsKey("REVOKE_ALL_SIZES") ? "REVOKE_ALL_SIZES="
                    + System.getenv("REVOKE_ALL_SIZES") + " " : "")
                    + (System.getenv().containsKey("REVOKE_ALL_ROUNDS") ? "REVOKE_ALL_ROUNDS=" + rounds + " " : "")
                    + "scripts/bench-revoke-all";
            Path plot = repo.resolve("revoke-all-scaling.png");
            RevokeAllPlot.write(List.copyOf(rows.values()), plot);
            String report = RevokeAllReport.markdown(List.copyOf(rows.values()), rounds, command, plot.getFileName().toString());
            console.println();
            console.println(report);
            Files.writeString(work.resolve("results.md"), report);
            RevokeAllReport.replaceSection(repo.resolve("BENCHMARKS.md"), BEGIN_MARKER, END_MARKER, report);
        }
    }

    /** One merchant per size, each with its own API key, so every size starts from an empty partition. */
    private static Map<Integer, String> seedOrganisations(DynamoDbClient client, List<Integer> sizes) {
        Map<Integer, String> apiKeys = new LinkedHashMap<>();
        StringBuilder seed = new StringBuilder("{\"organisations\": [");
        List<Integer> all = new ArrayList<>(sizes);
        all.add(WARM_UP_SIZE);
        for (int size : all) {
            String id = size == WARM_UP_SIZE ? WARM_UP.value() : organisationFor(size).value();
            String key = "gk_bench_revoke_all_key_" + id + "_000000000000";
            apiKeys.put(size, key);
            seed.append(apiKeys.size() > 1 ? "," : "").append("{\"id\": \"").append(id)
                    .append("\", \"accessType\": \"CR\", \"allowedScopes\": [\"admin\"], \"apiKeys\": [\"")
                    .append(key).append("\"]}");
        }
        seed.append("]}");
        new SeedLoader(new DynamoDbOrganisationRegistry(client, TABLE), new DynamoDbApiKeyRegistry(client, TABLE),
                Clock.systemUTC()).load(SeedFile.parse(seed.toString(), "bench"), "bench", "bench");
        return apiKeys;
    }

    static OrganisationId organisationFor(int size) {
        return new OrganisationId(String.format(Locale.ROOT, "rvk%07d", size));
    }

    /** {@code size} tokens of the organisation's current generation, stored as issuance stores them. */
    private static List<TokenRecord> storeTokens(TokenStore store, OrganisationId organisation, int size,
                                                 SplittableRandom random, ExecutorService loaders) throws Exception {
        long generation = store.currentGeneration(organisation);
        List<TokenRecord> tokens = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            Instant expiresAt = AT.plusMillis(random.nextLong(EXPIRY_FROM_MILLIS, EXPIRY_TO_MILLIS));
            tokens.add(new TokenRecord(TokenId.of(new UUID(random.nextLong(), random.nextLong())), organisation,
                    organisation, AccessType.CR, AccessType.CR, null, List.of("admin"), false, false,
                    expiresAt.minusSeconds(3600), expiresAt, generation, null, false, null, "bench-key"));
        }
        List<Future<?>> done = new ArrayList<>();
        for (int loader = 0; loader < LOADERS; loader++) {
            int first = loader;
            done.add(loaders.submit(() -> {
                for (int i = first; i < tokens.size(); i += LOADERS) {
                    store.insert(tokens.get(i));
                }
            }));
        }
        for (Future<?> future : done) {
            future.get();
        }
        return tokens;
    }

    /** How many of the tokens the bearer checks' read now refuses; every one should be. */
    private static long refusedCount(TokenStore store, OrganisationId organisation, List<TokenRecord> tokens,
                                     ExecutorService loaders) throws Exception {
        AtomicLong refused = new AtomicLong();
        List<Future<?>> done = new ArrayList<>();
        for (int loader = 0; loader < LOADERS; loader++) {
            int first = loader;
            done.add(loaders.submit(() -> {
                for (int i = first; i < tokens.size(); i += LOADERS) {
                    if (store.findLive(organisation, tokens.get(i).id(), AT).isEmpty()) {
                        refused.incrementAndGet();
                    }
                }
            }));
        }
        for (Future<?> future : done) {
            future.get();
        }
        return refused.get();
    }

    private static APIGatewayProxyResponseEvent revokeAll(RevokeAllTokensHandler handler, FunctionDefinition function,
                                                          String eventJson, String apiKey) {
        APIGatewayProxyRequestEvent event = LambdaJson.read(eventJson, APIGatewayProxyRequestEvent.class);
        String authorization = "Basic " + Base64.getEncoder().encodeToString((apiKey + ":").getBytes(StandardCharsets.UTF_8));
        event.getHeaders().put("Authorization", authorization);
        event.getMultiValueHeaders().put("Authorization", List.of(authorization));
        APIGatewayProxyResponseEvent response = handler.handleRequest(event,
                new LocalLambdaContext(function, UUID.randomUUID().toString(), "us-east-1", System.currentTimeMillis(),
                        System.out));
        if (response.getStatusCode() != 200) {
            throw new IllegalStateException("revoke-all answered " + response.getStatusCode() + ": " + response.getBody());
        }
        return response;
    }

    private static long countOf(APIGatewayProxyResponseEvent response) throws IOException {
        JsonNode body = new ObjectMapper().readTree(response.getBody());
        return body.path("data").path("revokedTokensCount").asLong(-1);
    }
}
