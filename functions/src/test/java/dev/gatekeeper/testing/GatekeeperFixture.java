package dev.gatekeeper.testing;

import static dev.gatekeeper.testing.TestOrganisations.merchant;
import static dev.gatekeeper.testing.TestOrganisations.partner;
import static dev.gatekeeper.testing.TestOrganisations.partnerGroup;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatekeeper.adapter.dynamodb.DynamoDbApiKeyRegistry;
import dev.gatekeeper.adapter.dynamodb.DynamoDbOrganisationRegistry;
import dev.gatekeeper.adapter.secretsmanager.SecretsManagerPublicKeySource;
import dev.gatekeeper.adapter.secretsmanager.SecretsManagerSigningKeySource;
import dev.gatekeeper.config.Gatekeeper;
import dev.gatekeeper.config.GatekeeperConfig;
import dev.gatekeeper.core.apikey.ApiKeyHash;
import dev.gatekeeper.core.apikey.ApiKeyRecord;
import dev.gatekeeper.core.audit.AuditContext;
import dev.gatekeeper.core.keys.SigningKeySet;
import dev.gatekeeper.core.keys.SigningKeySetJson;
import dev.gatekeeper.core.keys.VerificationKeySetJson;
import dev.gatekeeper.core.organisation.Organisation;
import dev.gatekeeper.handler.RequestOrganisationTokenHandler;
import dev.gatekeeper.handler.RequestTokenHandler;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * A complete service for handler tests: its own table in DynamoDB Local, its own signing-key secret and public key
 * secret in moto (consistent, as a finished rotation leaves them), the real adapters and SDK clients, a clock the
 * test moves, and the demo organisations of {@code events/} seeded.
 *
 * <p>Two services over them, as deployed: {@link #gatekeeper} reads the private signing keys (the functions that
 * issue tokens), {@link #verifying} reads only the public key set (every other function). {@link #invoke} gives each
 * handler the one its function gets.
 */
public final class GatekeeperFixture {
    public static final Instant START = Instant.parse("2026-11-24T10:00:00Z");
    public static final String ISSUER = "https://gatekeeper.test";
    public static final String AUDIENCE = "gatekeeper";

    // The organisations and keys that events/*.json are written against.
    public static final String GROUP_KEY = "gk_demo_partner_group_key_0000000000000000000000";
    public static final String PARTNER_KEY = "gk_demo_partner_key_00000000000000000000000000";
    public static final String MERCHANT_KEY = "gk_demo_merchant_key_0000000000000000000000000";
    public static final String FILTERED_MERCHANT_KEY = "gk_demo_merchant2_key_000000000000000000000000";
    // A second, unrelated tenant, for cross-tenant attempts.
    public static final String OTHER_PARTNER_KEY = "gk_test_other_partner_key_0000000000000000000000";
    public static final String OTHER_MERCHANT_KEY = "gk_test_other_merchant_key_000000000000000000000";

    public final MutableClock clock = new MutableClock(START);
    public final String tableName;
    public final String secretArn;
    /** The public key secret: the public halves of the keys in {@link #secretArn}. */
    public final String publicSecretArn;
    public final DynamoDbOrganisationRegistry organisations;
    public final DynamoDbApiKeyRegistry apiKeys;
    /** The signing service, with the private keys: what the functions that issue tokens get. */
    public final Gatekeeper gatekeeper;
    /** The verify-only service, with the public key set only: what the other functions get. */
    public final Gatekeeper verifying;
    private final GatekeeperConfig config;
    private final GatekeeperConfig verifyOnlyConfig;
    private final MotoServer moto;
    private final Deque<UUID> nextTokenIds = new ArrayDeque<>();
    private final Deque<Runnable> onNextTokenId = new ArrayDeque<>();
    private static final ObjectMapper JSON = new ObjectMapper();

    private GatekeeperFixture(SigningKeySet keys) {
        LocalDynamoDb dynamo = LocalDynamoDb.shared();
        MotoServer moto = MotoServer.shared();
        this.tableName = dynamo.createTokenTable();
        this.secretArn = moto.createSigningKeySecret(keys);
        this.publicSecretArn = moto.createPublicKeySecret(keys);
        this.organisations = new DynamoDbOrganisationRegistry(dynamo.client(), tableName);
        this.apiKeys = new DynamoDbApiKeyRegistry(dynamo.client(), tableName);
        this.moto = moto;
        this.config = GatekeeperConfig.fromEnvironment(Map.of(
                GatekeeperConfig.TABLE_NAME, tableName,
                GatekeeperConfig.SIGNING_KEY_SECRET_ARN, secretArn,
                GatekeeperConfig.TOKEN_ISSUER, ISSUER,
                GatekeeperConfig.TOKEN_AUDIENCE, AUDIENCE));
        this.verifyOnlyConfig = GatekeeperConfig.fromEnvironment(Map.of(
                GatekeeperConfig.TABLE_NAME, tableName,
                GatekeeperConfig.PUBLIC_KEY_SECRET_ARN, publicSecretArn,
                GatekeeperConfig.TOKEN_ISSUER, ISSUER,
                GatekeeperConfig.TOKEN_AUDIENCE, AUDIENCE));
        this.gatekeeper = gatekeeperWith(dynamo.client());
        this.verifying = verifyingWith(dynamo.client());
        seedDemoOrganisations();
    }

    /**
     * Another container of the same service: same table, secret and clock, its own caches, and the DynamoDB client
     * given (for example one that counts its requests).
     */
    public Gatekeeper gatekeeperWith(DynamoDbClient dynamoDb) {
        return gatekeeperWith(dynamoDb, moto.secretsManager());
    }

    /** Another container whose signing keys come through {@code secretsManager} (for example a faulty one). */
    public Gatekeeper gatekeeperWith(DynamoDbClient dynamoDb, SecretsManagerClient secretsManager) {
        return Gatekeeper.create(config, dynamoDb, new SecretsManagerSigningKeySource(secretsManager, secretArn),
                clock, this::nextTokenId);
    }

    /** Another container of the verify-only service, with the DynamoDB client given. */
    public Gatekeeper verifyingWith(DynamoDbClient dynamoDb) {
        return verifyingWith(dynamoDb, moto.secretsManager());
    }

    /** Another verify-only container whose public keys come through {@code secretsManager}. */
    public Gatekeeper verifyingWith(DynamoDbClient dynamoDb, SecretsManagerClient secretsManager) {
        return Gatekeeper.verifyOnly(verifyOnlyConfig, dynamoDb,
                new SecretsManagerPublicKeySource(secretsManager, publicSecretArn), clock);
    }

    /** Replaces both secrets' values with {@code keys}, as a finished rotation leaves them. */
    public void storeKeys(SigningKeySet keys) {
        SecretsManagerClient secrets = moto.secretsManager();
        secrets.putSecretValue(request -> request.secretId(secretArn).secretString(SigningKeySetJson.format(keys)));
        secrets.putSecretValue(request -> request.secretId(publicSecretArn)
                .secretString(VerificationKeySetJson.format(keys.verificationKeys())));
    }

    /** A fresh service with one signing key. */
    public static GatekeeperFixture create() {
        return new GatekeeperFixture(TestKeys.only(TestKeys.FIRST));
    }

    public static GatekeeperFixture withKeys(SigningKeySet keys) {
        return new GatekeeperFixture(keys);
    }

    private void seedDemoOrganisations() {
        add(partnerGroup("pgroup0001").named("Demo Partner Group").build(), GROUP_KEY);
        add(partner("partner001").below("pgroup0001").named("Demo Partner").build(), PARTNER_KEY);
        add(merchant("merchant01").below("partner001").named("Demo Merchant").build(), MERCHANT_KEY);
        add(merchant("merchant02").below("partner001").withIpAllowList("127.0.0.1").named("Filtered Merchant").build(),
                FILTERED_MERCHANT_KEY);
        add(partner("partner002").named("Other Partner").build(), OTHER_PARTNER_KEY);
        add(merchant("merchant99").below("partner002").named("Other Merchant").build(), OTHER_MERCHANT_KEY);
    }

    /** As seeding adds them: each with its audit record, under the request id {@code seed}. */
    public void add(Organisation organisation, String apiKey) {
        organisations.create(organisation, clock.instant(), AuditContext.seeding());
        if (apiKey != null) {
            apiKeys.add(new ApiKeyRecord(ApiKeyHash.of(apiKey), organisation.id(), true, clock.instant(), "test"),
                    AuditContext.seeding());
        }
    }

    /** The next issued tokens get these ids, in order; afterwards ids are random again. */
    public void nextTokenIds(UUID... ids) {
        nextTokenIds.addAll(java.util.List.of(ids));
    }

    /**
     * {@code action} runs when the issuer next draws a token id: after the caller was authenticated and the
     * request checked, just before the token is signed and stored. For races with what happens meanwhile.
     */
    public synchronized void whenNextTokenIdIsDrawn(Runnable action) {
        onNextTokenId.add(action);
    }

    private synchronized UUID nextTokenId() {
        Runnable action = onNextTokenId.poll();
        if (action != null) {
            action.run();
        }
        UUID next = nextTokenIds.poll();
        return next != null ? next : UUID.randomUUID();
    }

    /**
     * Builds a handler with the service its deployed function gets, and runs it: the verify-only one, unless the
     * handler issues tokens (an issuing handler refuses a service without signing keys when it is built).
     */
    public <H extends RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent>> Response invoke(
            Function<Gatekeeper, H> handler, APIGatewayProxyRequestEvent event) {
        H instance = handlerFor(handler);
        APIGatewayProxyResponseEvent response = instance.handleRequest(event, new TestLambdaContext(instance.getClass().getSimpleName()));
        return new Response(response);
    }

    /** The handler built as its function builds it: without the signing keys unless it needs them to issue. */
    public <H> H handlerFor(Function<Gatekeeper, H> handler) {
        return handlerFor(handler, gatekeeper, verifying);
    }

    /**
     * The handler built with {@code verifying}, as every function but the issuing ones is deployed (with
     * {@code PUBLIC_KEY_SECRET_ARN} only), or with {@code signing} if it refuses that because it issues tokens.
     */
    public static <H> H handlerFor(Function<Gatekeeper, H> handler, Gatekeeper signing, Gatekeeper verifying) {
        try {
            return handler.apply(verifying);
        } catch (IllegalStateException needsSigningKeys) {
            return handler.apply(signing);
        }
    }

    /** POST /tokens with an API key: a token of the key's own organisation (fails the test unless 201). */
    public Response requestToken(String apiKey, String body) {
        return created(invoke(RequestTokenHandler::new,
                ApiEvents.post("/tokens").apiKey(apiKey).json(body).build()));
    }

    /** POST /tokens with a bearer token: another token of the organisation it acts for (fails the test unless 201). */
    public Response requestTokenWithBearer(String token, String body) {
        return created(invoke(RequestTokenHandler::new, ApiEvents.post("/tokens").bearer(token).json(body).build()));
    }

    /** POST /organisations/{id}/tokens with a partner's API key (fails the test unless 201). */
    public Response requestTokenFor(String partnerKey, String organisation, String body) {
        return created(invoke(RequestOrganisationTokenHandler::new,
                ApiEvents.post("/organisations/{encodedOrganisationId}/tokens", "encodedOrganisationId", organisation)
                        .apiKey(partnerKey).json(body).build()));
    }

    private static Response created(Response response) {
        if (response.status() != 201) {
            throw new AssertionError("expected 201 but got " + response.status() + ": " + response.raw().getBody());
        }
        return response;
    }

    /** A proxy response with its body parsed. */
    public record Response(APIGatewayProxyResponseEvent raw) {
        public int status() {
            return raw.getStatusCode();
        }

        public JsonNode body() {
            try {
                return JSON.readTree(raw.getBody());
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }

        public JsonNode data() {
            return body().get("data");
        }

        public String accessToken() {
            return data().get("accessToken").asText();
        }

        public String tokenId() {
            return data().get("id").asText();
        }

        public String returnCode() {
            return body().get("returnCode").asText();
        }

        public String header(String name) {
            return raw.getHeaders() == null ? null : raw.getHeaders().get(name);
        }
    }
}
