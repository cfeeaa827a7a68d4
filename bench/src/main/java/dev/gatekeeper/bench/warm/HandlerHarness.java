package dev.gatekeeper.bench.warm;

import static dev.gatekeeper.adapter.dynamodb.TokenTable.ISSUED_PREFIX;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.PARTITION_KEY;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.PROFILE;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.REVOCATION;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.SORT_KEY;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.TOKEN_PREFIX;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import dev.gatekeeper.core.keys.SigningAlgorithm;
import dev.gatekeeper.bench.coldstart.DynamoDbLocalProcess;
import dev.gatekeeper.config.AwsClients;
import dev.gatekeeper.config.Gatekeeper;
import dev.gatekeeper.config.GatekeeperConfig;
import dev.gatekeeper.core.keys.SigningKeySource;
import dev.gatekeeper.core.token.JwtAccessTokenSigner;
import dev.gatekeeper.core.token.StaleGenerationException;
import dev.gatekeeper.core.token.TokenRecord;
import dev.gatekeeper.core.token.TokenStore;
import dev.gatekeeper.local.lambda.LambdaJson;
import dev.gatekeeper.local.lambda.LocalLambdaContext;
import dev.gatekeeper.local.seed.SeedLoader;
import dev.gatekeeper.local.storage.FileSigningKeySource;
import dev.gatekeeper.local.template.FunctionDefinition;
import dev.gatekeeper.local.template.SamTemplate;
import dev.gatekeeper.local.template.TableDefinition;
import dev.gatekeeper.observability.LogOutput;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * One pass of the warm handler harness (issue 7), in the JVM {@link WarmBenchmark} starts with the pass's flags:
 * every API handler built as in Lambda and called in-process with API Gateway events, against DynamoDB Local in a
 * separate process; then the bare storage round trips and the RS256 signature the handlers are made of, timed the
 * same way in the same JVM, so a handler's latency can be set against its parts.
 *
 * <p>As in Lambda: each function's handler is the template's class, constructed with its own {@link Gatekeeper}
 * from the function's template environment (its own caches, as a container has), and calls DynamoDB through the
 * client {@link AwsClients#forConfig} builds (Apache HTTP client, the functions' retry and timeout settings), only
 * pointed at DynamoDB Local. The handlers' log and metric lines are written, one {@code write} each, to
 * {@code /dev/null}: the formatting and the system call are paid as on Lambda's stdout, without the disk. Not as
 * in Lambda: all functions share one JVM and one SDK client, and the signing key comes from a file (the local
 * runner's {@link FileSigningKeySource}) rather than Secrets Manager; it is read once per key-cache period.
 *
 * <p>Every series is warmed up, all of them in turn, before any is timed, so handlers and their parts are timed in
 * an equally warm JVM. A timed series is sequential (one call at a time, as one Lambda sandbox serves them), and
 * every response is checked to be the expected success: an error path is never what is timed.
 *
 * <p>Arguments: repository root, result file, pass name, then {@link WarmSettings#harnessArguments()}.
 */
public final class HandlerHarness {
    private static final String REGION = "us-east-1";
    private static final Pattern ACCESS_TOKEN = Pattern.compile("\"accessToken\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern ACTIVE = Pattern.compile("\"active\"\\s*:\\s*true");
    /** Untimed calls right before a series is timed, after the other series ran. */
    private static final int RESETTLE_CALLS = 10;
    /** The id of merchant01's API key in {@code events/seed.json}, whose tokens the bare insert imitates. */
    private static final String MERCHANT01_KEY_ID =
            dev.gatekeeper.core.apikey.ApiKeyHash.of("gk_demo_merchant_key_0000000000000000000000000").keyId();

    private final Path repo;
    private final WarmSettings settings;
    private final SamTemplate template;
    private final PrintStream discard;
    private final List<Spec> specs = new ArrayList<>();
    private final List<PassResult.Series> results = new ArrayList<>();

    private HandlerHarness(Path repo, WarmSettings settings, PrintStream discard) {
        this.repo = repo;
        this.settings = settings;
        this.template = SamTemplate.load(repo.resolve("template.yaml"));
        this.discard = discard;
    }

    /** A function as a Lambda container holds it: its definition, its service and its handler. */
    private record Function(FunctionDefinition definition, Gatekeeper gatekeeper, GatekeeperConfig config,
                            RequestHandler<Object, Object> handler) {
    }

    /** One timed call, prepared untimed (a fresh token to revoke, the context). */
    @FunctionalInterface
    private interface Iteration {
        Callable<Object> prepare() throws Exception;
    }

    /** Null if the result is the expected success, else what is wrong with it. */
    @FunctionalInterface
    private interface Check {
        String problem(Object result);
    }

    /** Untimed, before a series' warm-up and again before its timed calls (a fresh live token, say). */
    @FunctionalInterface
    private interface SetUp {
        void run() throws Exception;
    }

    /** A series as defined; it is warmed up with all the others first, and measured after all of them are warm. */
    private record Spec(String name, String kind, String expected, boolean signs, SetUp setUp, Iteration iteration,
                        Check check) {
    }

    public static void main(String[] args) throws Exception {
        Path repo = Path.of(args[0]).toAbsolutePath().normalize();
        Path resultFile = Path.of(args[1]).toAbsolutePath();
        String pass = args[2];
        WarmSettings settings = WarmSettings.forHarness(args, 3);
        Path work = resultFile.getParent();
        Files.createDirectories(work);

        // One write(2) per line, as Lambda's stdout costs a write per line; nothing kept.
        try (PrintStream discard = new PrintStream(new FileOutputStream("/dev/null"), true, StandardCharsets.UTF_8);
             LogOutput.Redirection ignored = LogOutput.redirectTo(discard);
             DynamoDbLocalProcess dynamo = DynamoDbLocalProcess.start(System.getProperty("java.class.path"),
                     work.resolve("dynamodb-local-" + pass + ".log"))) {
            HandlerHarness harness = new HandlerHarness(repo, settings, discard);
            PassResult result = harness.run(pass, dynamo, work);
            result.write(resultFile);
        }
    }

    /**
     * The algorithm of the pass's signing key: {@code WARM_SIGNING_ALGORITHM}, {@code RS256} (the default, as in the
     * template) or {@code ES256}, so the handlers can be measured as a stack with {@code SigningAlgorithm=ES256}
     * runs them. An environment variable, so the pass JVMs inherit it from the driver.
     */
    static SigningAlgorithm signingAlgorithm() {
        return SigningAlgorithm.configured("WARM_SIGNING_ALGORITHM", System.getenv("WARM_SIGNING_ALGORITHM"));
    }

    /** The bare signature series: "RS256 sign (JwtAccessTokenSigner)" or its ES256 counterpart. */
    static String signSeries() {
        return signingAlgorithm() + " sign (JwtAccessTokenSigner)";
    }

    private PassResult run(String pass, DynamoDbLocalProcess dynamo, Path work) throws Exception {
        log("pass " + pass + ": JVM " + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        Path keyFile = work.resolve("signing-keys-" + pass + ".json");
        Files.deleteIfExists(keyFile);
        FileSigningKeySource keys = new FileSigningKeySource(keyFile);
        keys.createIfMissing(signingAlgorithm(), Clock.systemUTC());

        Map<String, Function> functions = new LinkedHashMap<>();
        DynamoDbClient client = null;
        String table = null;
        for (String logicalId : List.of("JwksFunction", "RequestTokenFunction", "RequestOrganisationTokenFunction",
                "IntrospectTokenFunction", "TokenAuthorizerFunction", "RevokeTokenFunction", "RevokeAllTokensFunction")) {
            FunctionDefinition definition = template.function(logicalId)
                    .orElseThrow(() -> new IllegalStateException("no " + logicalId + " in template.yaml"));
            GatekeeperConfig config = GatekeeperConfig.fromEnvironment(environment(definition, dynamo));
            if (client == null) {
                table = config.tableName();
                createTable(dynamo, definition, table);
                // One client for all, built exactly as each function builds its own in Lambda.
                AwsClients clients = AwsClients.forConfig(config);
                clients.secretsManager().close();
                client = clients.dynamoDb();
            }
            functions.put(logicalId, function(definition, config, client, keys));
        }
        if (!SdkCallCounter.loaded()) {
            throw new IllegalStateException("the SDK call counter is not registered (is the interceptor directory on"
                    + " the class path?)");
        }

        defineHandlerSeries(functions);
        defineBareSeries(client, table, functions.get("RequestTokenFunction"));

        // Every series is warmed up before any is timed: a handler and the bare calls it is compared with then run
        // in a JVM equally warm (the SDK's marshalling code, for one, is shared by all of them).
        log("warm-up, every series in turn");
        for (Spec spec : specs) {
            warmUp(spec);
        }

        // Heap: the peak is of the timed load only; the live set is measured after a full GC at its end.
        System.gc();
        long usedBefore = usedHeap();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        Map<String, long[]> gcBefore = gcCounts();

        log("timed series");
        for (Spec spec : specs) {
            measure(spec);
        }

        Map<String, long[]> gcAfter = gcCounts();
        long peak = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP)
                .mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
        System.gc();
        Map<String, Long> memory = new LinkedHashMap<>();
        memory.put("heapAfterWarmupGc", usedBefore);
        memory.put("heapAfterLoadGc", usedHeap());
        memory.put("heapPeakSumOfPools", peak);
        memory.put("heapMax", Runtime.getRuntime().maxMemory());
        gcAfter.forEach((name, after) -> {
            long[] before = gcBefore.getOrDefault(name, new long[2]);
            memory.put("gc." + name + ".count", after[0] - before[0]);
            memory.put("gc." + name + ".millis", after[1] - before[1]);
        });
        client.close();
        return new PassResult(pass, ManagementFactory.getRuntimeMXBean().getInputArguments(), results, memory);
    }

    /** The function's variables as the template sets them, pointed at DynamoDB Local. */
    private static Map<String, String> environment(FunctionDefinition definition, DynamoDbLocalProcess dynamo) {
        return definition.environment().pointedAt(dynamo.endpoint(), REGION);
    }

    /**
     * Through a client of its own with the SDK's default timeouts: DynamoDB Local's first requests (table creation)
     * can exceed the functions' 3 s call limit on a busy machine, and that is no part of what is measured.
     */
    private void createTable(DynamoDbLocalProcess dynamo, FunctionDefinition definition, String table) {
        String resource = definition.environment().referencedResource(GatekeeperConfig.TABLE_NAME).orElse(table);
        TableDefinition tableDefinition = template.table(resource)
                .orElseThrow(() -> new IllegalStateException("no table " + resource + " in template.yaml"));
        try (DynamoDbClient setup = DynamoDbClient.builder().endpointOverride(dynamo.endpoint()).region(Region.of(REGION))
                .httpClientBuilder(ApacheHttpClient.builder()).build()) {
            SeedLoader.seedTable(setup, tableDefinition, table, repo.resolve("events/seed.json"), "bench",
                    HandlerHarness::log);
        }
    }

    @SuppressWarnings("unchecked")
    private static Function function(FunctionDefinition definition, GatekeeperConfig config, DynamoDbClient client,
            SigningKeySource keys) throws ReflectiveOperationException {
        Gatekeeper gatekeeper = Gatekeeper.create(config, client, keys, Clock.systemUTC(), UUID::randomUUID);
        // The template's handler class, as the runtime would load it, with the service injected.
        Object handler = Class.forName(definition.handlerClass()).getConstructor(Gatekeeper.class).newInstance(gatekeeper);
        return new Function(definition, gatekeeper, config, (RequestHandler<Object, Object>) handler);
    }

    private void defineHandlerSeries(Map<String, Function> functions) throws Exception {
        Function jwks = functions.get("JwksFunction");
        APIGatewayProxyRequestEvent jwksEvent = apiEvent("jwks.json");
        series("JWKS (GET /.well-known/jwks.json)", "handler", "200", false, null,
                () -> () -> invoke(jwks, jwksEvent), status(200));

        Function requestToken = functions.get("RequestTokenFunction");
        APIGatewayProxyRequestEvent requestTokenEvent = apiEvent("request-token.json");
        series("Request token (POST /tokens)", "handler", "201", true, null,
                () -> () -> invoke(requestToken, requestTokenEvent), status(201));

        Function organisationToken = functions.get("RequestOrganisationTokenFunction");
        APIGatewayProxyRequestEvent organisationTokenEvent = apiEvent("request-organisation-token.json");
        series("Request organisation token (partner for merchant)", "handler", "201", true, null,
                () -> () -> invoke(organisationToken, organisationTokenEvent), status(201));

        // The two bearer checks get a live token of merchant01 before their warm-up and again before their timed
        // calls (the revoke-all series' warm-up revokes it in between); an hour, so it outlives any run.
        APIGatewayProxyRequestEvent longLived = apiEvent("request-token.json");
        longLived.setBody("{\"scopes\": [\"openbanking_pisp\"], \"expiresIn\": 3600}");
        Callable<String> liveToken = () -> {
            APIGatewayProxyResponseEvent issued = (APIGatewayProxyResponseEvent) invoke(requestToken, longLived);
            Matcher token = ACCESS_TOKEN.matcher(issued.getBody());
            if (issued.getStatusCode() != 201 || !token.find()) {
                throw new IllegalStateException("could not issue a live token: " + issued.getBody());
            }
            return token.group(1);
        };

        Function introspect = functions.get("IntrospectTokenFunction");
        APIGatewayProxyRequestEvent introspectEvent = apiEvent("introspect-token.json");
        // An inactive answer is also a 200, and far cheaper (no read): only "active": true counts.
        series("Introspect (POST /oauth2/introspect, active token)", "handler", "200 active", false,
                () -> introspectEvent.setBody("token=" + liveToken.call() + "&token_type_hint=access_token"),
                () -> () -> invoke(introspect, introspectEvent), result -> {
                    String problem = status(200).problem(result);
                    return problem != null ? problem
                            : ACTIVE.matcher(((APIGatewayProxyResponseEvent) result).getBody()).find() ? null
                            : "not active: " + ((APIGatewayProxyResponseEvent) result).getBody();
                });

        Function authorizer = functions.get("TokenAuthorizerFunction");
        APIGatewayCustomAuthorizerEvent authorizerEvent = LambdaJson.read(
                Files.readString(repo.resolve("events/token-authorizer.json")), APIGatewayCustomAuthorizerEvent.class);
        // A refusal is an exception (401) or a Deny policy (403): only Allow counts.
        series("TokenAuthorizer (bearer token, Allow)", "handler", "Allow", false, () -> {
                    Map<String, String> headers = new HashMap<>(authorizerEvent.getHeaders());
                    headers.put("Authorization", "Bearer " + liveToken.call());
                    authorizerEvent.setHeaders(headers);
                }, () -> () -> invoke(authorizer, authorizerEvent),
                result -> allows(((IamPolicyResponseV1) result).getPolicyDocument()) ? null : "not Allow: " + result);

        // Each call revokes a token that is live until then; storing it (one transaction) is not timed.
        Function revoke = functions.get("RevokeTokenFunction");
        TokenStore store = revoke.gatekeeper().tokenStore();
        String keyId = revoke.gatekeeper().signingKeys().current().current().kid();
        APIGatewayProxyRequestEvent revokeEvent = apiEvent("revoke-token.json");
        series("Revoke token (POST /tokens/{id}/revoke)", "handler", "200 REVOKED", false, null, () -> {
            TokenRecord record = liveRecord(store, keyId);
            String id = record.id().value();
            revokeEvent.setPath("/tokens/" + id + "/revoke");
            revokeEvent.setPathParameters(Map.of("tokenId", id));
            return () -> invoke(revoke, revokeEvent);
        }, result -> {
            String problem = status(200).problem(result);
            return problem != null ? problem
                    : ((APIGatewayProxyResponseEvent) result).getBody().contains("REVOKED") ? null
                    : "not revoked: " + ((APIGatewayProxyResponseEvent) result).getBody();
        });

        // Last of merchant01's series: it revokes the token the two bearer series used. After its first call the
        // organisation has no active token left, so this times the revoke-all of an organisation with none (the
        // count is read from counters, not tokens: see the revoke-all scaling benchmark for large organisations).
        Function revokeAll = functions.get("RevokeAllTokensFunction");
        APIGatewayProxyRequestEvent revokeAllEvent = apiEvent("revoke-all-tokens.json");
        series("Revoke all (POST /tokens/revoke)", "handler", "200", false, null,
                () -> () -> invoke(revokeAll, revokeAllEvent), status(200));
    }

    /**
     * The parts of the handlers, bare: DynamoDB calls made directly through the same SDK client, shaped as the
     * handlers make them, and the RS256 signature of the token. Timed after the handlers, so the SDK's code is at
     * least as warm for them: if anything, these floors are low, and the gap to a handler is not understated.
     */
    private void defineBareSeries(DynamoDbClient client, String table, Function requestToken) {
        // A single-item read, as the API key lookup of every API-key request (consistent) and the organisation
        // read (when not cached) are; here of merchant01's profile.
        Map<String, AttributeValue> profileKey = key("merchant01", PROFILE);
        series("GetItem (organisation profile)", "bare", "item", false, null,
                () -> () -> client.getItem(request -> request.tableName(table).key(profileKey).consistentRead(true)),
                result -> ((software.amazon.awssdk.services.dynamodb.model.GetItemResponse) result).hasItem() ? null
                        : "no item");

        // The bearer check's read: one consistent BatchGetItem of the token, its issued pointer and the
        // organisation's revocation generation.
        String tokenId = UUID.randomUUID().toString();
        KeysAndAttributes keys = KeysAndAttributes.builder().consistentRead(true).keys(
                key("merchant01", TOKEN_PREFIX + tokenId), key("merchant01", ISSUED_PREFIX + tokenId),
                key("merchant01", REVOCATION)).build();
        series("BatchGetItem (token, pointer, generation; consistent)", "bare", "no unprocessed keys", false, null,
                () -> () -> client.batchGetItem(request -> request.requestItems(Map.of(table, keys))),
                result -> ((BatchGetItemResponse) result).unprocessedKeys().isEmpty() ? null : "unprocessed keys");

        // The token insert's transaction: generation check, check that the API key is still active, conditional put
        // of the token, put of its audit record, active-token counter update, in merchant01's partition as the
        // issue-token series writes. The
        // generation is merchant01's current one (the revoke-all series ends some), read untimed before each call.
        series("TransactWriteItems (token insert shape, 5 actions)", "bare", "committed", false, null,
                () -> {
                    List<TransactWriteItem> actions = tokenInsertShape(table, "merchant01", generation(client, table));
                    return () -> client.transactWriteItems(request -> request.transactItems(actions));
                }, result -> null);

        // The same transaction as the project's store writes it (the request-token function's store, so its
        // remembered generation is the one issuance uses): set against the shape above, it shows whether the
        // handler's write costs more than the bare one because of what it writes.
        TokenStore store = requestToken.gatekeeper().tokenStore();
        String keyId = requestToken.gatekeeper().signingKeys().current().current().kid();
        // The set-up stores one token untimed, so a generation the revoke-all series ended is found out first.
        series("TokenStore.insert (DynamoDbTokenStore, its TransactWriteItems)", "store", "stored", false,
                () -> liveRecord(store, keyId),
                () -> {
                    TokenRecord record = SampleTokens.merchantToken(keyId,
                            store.currentGeneration(SampleTokens.MERCHANT), Duration.ofHours(1));
                    return () -> {
                        store.insert(record);
                        return record;
                    };
                }, result -> null);

        JwtAccessTokenSigner signer = new JwtAccessTokenSigner(requestToken.gatekeeper().signingKeys(),
                requestToken.config().tokenSettings(), requestToken.gatekeeper().signatureRandom());
        TokenRecord record = SampleTokens.merchantToken(signer.currentKeyId(), 0, Duration.ofHours(1));
        series(signSeries(), "bare", "JWT", true, null, () -> () -> signer.sign(record),
                result -> ((String) result).split("\\.").length == 3 ? null : "not a JWT");
    }

    /**
     * A live token of merchant01 stored through the function's own store. Its remembered revocation generation goes
     * stale when the revoke-all series ends one; the store then refuses the insert once and reads the new one.
     */
    private static TokenRecord liveRecord(TokenStore store, String keyId) {
        for (int attempt = 1; ; attempt++) {
            TokenRecord record = SampleTokens.merchantToken(keyId, store.currentGeneration(SampleTokens.MERCHANT),
                    Duration.ofHours(1));
            try {
                store.insert(record);
                return record;
            } catch (StaleGenerationException stale) {
                if (attempt >= 3) {
                    throw stale;
                }
            }
        }
    }

    /** merchant01's current revocation generation, read consistently (0 before its first revoke-all). */
    private static long generation(DynamoDbClient client, String table) {
        Map<String, AttributeValue> item = client.getItem(request -> request.tableName(table)
                .key(key("merchant01", REVOCATION)).consistentRead(true)).item();
        return item == null || !item.containsKey("generation") ? 0 : Long.parseLong(item.get("generation").n());
    }

    /**
     * Five actions with the items' sizes and conditions of {@code DynamoDbTokenStore.insert} for a token obtained
     * with merchant01's API key from {@code events/seed.json}.
     */
    private static List<TransactWriteItem> tokenInsertShape(String table, String partition, long generation) {
        long now = System.currentTimeMillis();
        String tokenId = UUID.randomUUID().toString();
        Map<String, AttributeValue> token = new HashMap<>(key(partition, TOKEN_PREFIX + tokenId));
        token.put("tokenId", s(tokenId));
        token.put("requestedOrganisation", s(partition));
        token.put("requestingOrganisation", s(partition));
        token.put("accessType", s("CR"));
        token.put("requestingAccessType", s("CR"));
        token.put("parentId", s("partner001"));
        token.put("scopes", AttributeValue.builder().l(s("openbanking_pisp")).build());
        token.put("ipFiltering", AttributeValue.builder().bool(false).build());
        token.put("mtlsFilter", AttributeValue.builder().bool(false).build());
        token.put("createdAt", n(now));
        token.put("expiresAt", n(now + 3_600_000));
        token.put("generation", n(generation));
        token.put("applicationToken", AttributeValue.builder().bool(false).build());
        token.put("keyId", s("2026-01-01-0123abcd"));
        token.put("apiKeyId", s(MERCHANT01_KEY_ID));
        token.put("apiKeyOrganisation", s(partition));
        token.put("genExp", s(generation + "#" + (now + 3_600_000)));
        token.put("ttl", n(now / 1000 + 30 * 86_400));
        Map<String, AttributeValue> audit = new HashMap<>(key(partition, "AUDIT#" + now + "#" + UUID.randomUUID()));
        audit.put("eventId", s(UUID.randomUUID().toString()));
        audit.put("action", s("TOKEN_ISSUED"));
        audit.put("organisation", s(partition));
        audit.put("actingOrganisation", s(partition));
        audit.put("tokenId", s(tokenId));
        audit.put("at", n(now));
        audit.put("sourceIp", s("127.0.0.1"));
        audit.put("requestId", s(UUID.randomUUID().toString()));
        audit.put("outcome", s("SUCCEEDED"));
        audit.put("ttl", n(now / 1000 + 400 * 86_400));
        return List.of(
                TransactWriteItem.builder().conditionCheck(check -> check.tableName(table)
                        .key(key(partition, REVOCATION))
                        .conditionExpression("attribute_not_exists(#g) OR #g = :g")
                        .expressionAttributeNames(Map.of("#g", "generation"))
                        .expressionAttributeValues(Map.of(":g", n(generation)))).build(),
                TransactWriteItem.builder().conditionCheck(check -> check.tableName(table)
                        .key(key(partition, "APIKEY#" + MERCHANT01_KEY_ID))
                        .conditionExpression("#active = :active")
                        .expressionAttributeNames(Map.of("#active", "active"))
                        .expressionAttributeValues(Map.of(":active", AttributeValue.builder().bool(true).build()))).build(),
                TransactWriteItem.builder().put(put -> put.tableName(table).item(token)
                        .conditionExpression("attribute_not_exists(#pk)")
                        .expressionAttributeNames(Map.of("#pk", PARTITION_KEY))).build(),
                TransactWriteItem.builder().put(put -> put.tableName(table).item(audit)
                        .conditionExpression("attribute_not_exists(#pk)")
                        .expressionAttributeNames(Map.of("#pk", PARTITION_KEY))).build(),
                TransactWriteItem.builder().update(update -> update.tableName(table)
                        .key(key(partition, "ACTIVE#" + generation + "#" + (now / 60_000) + "#" + Math.floorMod(tokenId.hashCode(), 8)))
                        .updateExpression("ADD #count :one SET #ttl = :ttl")
                        .expressionAttributeNames(Map.of("#count", "count", "#ttl", "ttl"))
                        .expressionAttributeValues(Map.of(":one", n(1), ":ttl", n(now / 1000 + 30 * 86_400)))).build());
    }

    private void series(String name, String kind, String expected, boolean signs, SetUp setUp, Iteration iteration,
            Check check) {
        specs.add(new Spec(name, kind, expected, signs, setUp == null ? () -> { } : setUp, iteration, check));
    }

    /** Untimed calls, up to the warm-up count or time cap, whichever comes first. */
    private void warmUp(Spec spec) throws Exception {
        spec.setUp().run();
        long end = System.nanoTime() + (long) (settings.handlerWarmupSeconds() * 1e9);
        int calls = 0;
        while (calls < settings.handlerWarmup() && (calls == 0 || System.nanoTime() < end)) {
            verify(spec.name(), spec.check(), spec.iteration().prepare().call());
            calls++;
        }
        log(String.format(Locale.ROOT, "  %-58s %6d calls", spec.name(), calls));
    }

    /**
     * The timed series: up to its call count or time cap, whichever comes first. A few untimed calls first pay
     * what the other series left behind (such as a revocation generation a revoke-all ended, which the next
     * issuance in each container finds out about with one extra round trip). Only the call itself is timed; its
     * preparation and the check of its result are not.
     */
    private void measure(Spec spec) throws Exception {
        String name = spec.name();
        Check check = spec.check();
        Iteration iteration = spec.iteration();
        spec.setUp().run();
        for (int i = 0; i < Math.min(RESETTLE_CALLS, settings.handlerWarmup()); i++) {
            verify(name, check, iteration.prepare().call());
        }
        SdkCallCounter.drain();
        long[] samples = new long[settings.handlerIterations()];
        long end = System.nanoTime() + (long) (settings.handlerSeconds() * 1e9);
        int n = 0;
        while (n < samples.length && (n == 0 || System.nanoTime() < end)) {
            Callable<Object> call = iteration.prepare();
            SdkCallCounter.recording(true);
            long start = System.nanoTime();
            Object result = call.call();
            long elapsed = System.nanoTime() - start;
            SdkCallCounter.recording(false);
            samples[n++] = elapsed;
            verify(name, check, result);
        }
        SdkCallCounter.Counts counts = SdkCallCounter.drain();
        Map<String, Double> calls = new LinkedHashMap<>();
        Map<String, Double> sdkMillis = new LinkedHashMap<>();
        int timed = n;
        counts.calls().forEach((operation, total) -> calls.put(operation, total / (double) timed));
        counts.nanos().forEach((operation, total) -> sdkMillis.put(operation, total / 1e6 / timed));
        double retries = (counts.attempts().values().stream().mapToLong(Long::longValue).sum()
                - counts.calls().values().stream().mapToLong(Long::longValue).sum()) / (double) n;
        Latencies latencies = Latencies.of(samples, n);
        results.add(new PassResult.Series(name, spec.kind(), spec.expected(), spec.signs(), latencies, calls, retries,
                sdkMillis));
        StringBuilder sdk = new StringBuilder();
        calls.forEach((operation, count) -> sdk.append(String.format(Locale.ROOT, "  %.2f %s %.3f ms", count,
                operation, sdkMillis.getOrDefault(operation, 0.0))));
        log(String.format(Locale.ROOT, "  %-58s n %6d  p50 %8.3f  p99 %8.3f  p99.9 %8.3f  max %8.3f ms%s%s", name, n,
                latencies.p50() / 1e6, latencies.p99() / 1e6, latencies.p999() / 1e6, latencies.max() / 1e6, sdk,
                retries > 0 ? String.format(Locale.ROOT, "  retries %.3f", retries) : ""));
    }

    private static void verify(String name, Check check, Object result) {
        String problem = check.problem(result);
        if (problem != null) {
            throw new IllegalStateException(name + ": unexpected result, not timing an error path: " + problem);
        }
    }

    private Object invoke(Function function, Object event) {
        Context context = new LocalLambdaContext(function.definition(), UUID.randomUUID().toString(), REGION,
                System.currentTimeMillis(), discard);
        return function.handler().handleRequest(event, context);
    }

    private APIGatewayProxyRequestEvent apiEvent(String file) throws IOException {
        return LambdaJson.read(Files.readString(repo.resolve("events").resolve(file)), APIGatewayProxyRequestEvent.class);
    }

    private static Check status(int expected) {
        return result -> {
            APIGatewayProxyResponseEvent response = (APIGatewayProxyResponseEvent) result;
            return response.getStatusCode() != null && response.getStatusCode() == expected ? null
                    : "status " + response.getStatusCode() + ": " + response.getBody();
        };
    }

    /** Whether an IAM policy document has an Allow statement (its {@code Statement} is a list or array of maps). */
    private static boolean allows(Object node) {
        if (node instanceof Map<?, ?> map) {
            if ("Allow".equals(map.get("Effect"))) {
                return true;
            }
            return map.values().stream().anyMatch(HandlerHarness::allows);
        }
        if (node instanceof Iterable<?> items) {
            for (Object item : items) {
                if (allows(item)) {
                    return true;
                }
            }
        }
        if (node instanceof Object[] items) {
            for (Object item : items) {
                if (allows(item)) {
                    return true;
                }
            }
        }
        if (node instanceof IamPolicyResponseV1.Statement statement) {
            return "Allow".equals(statement.getEffect());
        }
        return false;
    }

    private static Map<String, AttributeValue> key(String partition, String sort) {
        return Map.of(PARTITION_KEY, s(partition), SORT_KEY, s(sort));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.builder().s(value).build();
    }

    private static AttributeValue n(long value) {
        return AttributeValue.builder().n(Long.toString(value)).build();
    }

    private static long usedHeap() {
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    private static Map<String, long[]> gcCounts() {
        Map<String, long[]> counts = new LinkedHashMap<>();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            counts.put(gc.getName().replace(' ', '_'), new long[] {gc.getCollectionCount(), gc.getCollectionTime()});
        }
        return counts;
    }

    private static void log(String line) {
        System.err.println(line);
    }
}
