package dev.gatekeeper.config;

import dev.gatekeeper.adapter.dynamodb.DynamoDbApiKeyRegistry;
import dev.gatekeeper.adapter.dynamodb.DynamoDbAuditLog;
import dev.gatekeeper.adapter.dynamodb.DynamoDbOrganisationRegistry;
import dev.gatekeeper.adapter.dynamodb.DynamoDbTokenStore;
import dev.gatekeeper.adapter.secretsmanager.SecretsManagerSigningKeySource;
import dev.gatekeeper.api.ApiEndpoint;
import dev.gatekeeper.api.AuthorizerEndpoint;
import dev.gatekeeper.core.audit.AuditLog;
import dev.gatekeeper.core.auth.AccessAuthorizer;
import dev.gatekeeper.core.auth.Authenticator;
import dev.gatekeeper.core.keys.SigningKeySource;
import dev.gatekeeper.core.keys.SigningKeys;
import dev.gatekeeper.core.organisation.CachingOrganisationDirectory;
import dev.gatekeeper.core.organisation.OrganisationHierarchy;
import dev.gatekeeper.core.token.JwtAccessTokenSigner;
import dev.gatekeeper.core.token.JwtAccessTokenVerifier;
import dev.gatekeeper.core.token.TokenIntrospection;
import dev.gatekeeper.core.token.TokenIssuer;
import dev.gatekeeper.core.token.TokenRevocation;
import dev.gatekeeper.core.token.TokenStore;
import dev.gatekeeper.observability.EmfMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The composition root: builds the service once per container and hands it to every handler. Handlers' no-arg
 * constructors (used by Lambda) call {@link #shared()}; tests and the local runner call {@link #create} with their
 * own clients and key source.
 */
public final class Gatekeeper {
    /** An unknown kid may reload the keys at most this often, whatever the traffic. */
    private static final Duration UNKNOWN_KID_RELOAD_INTERVAL = Duration.ofSeconds(10);
    /**
     * How long a container trusts an organisation profile it read (allow-list, kind, scopes, parent): a profile
     * change reaches every function within this time. API keys, tokens and revocation are never cached, so this
     * delay never keeps a revoked key or token working.
     */
    private static final Duration ORGANISATION_CACHE = Duration.ofSeconds(30);
    /** Profiles held per container; far more than the organisations active in 30 s of one container. */
    private static final int ORGANISATION_CACHE_ENTRIES = 1_000;

    /**
     * Where token signatures are computed while the record is stored. Threads start on first use and end after a
     * minute idle; a Lambda container needs one, the local runner one per request in flight.
     */
    private static final Executor SIGNING_THREADS = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "gatekeeper-signing");
        thread.setDaemon(true);
        return thread;
    });

    private static volatile Gatekeeper shared;

    private final TokenStore tokenStore;
    private final AuditLog auditLog;
    private final OrganisationHierarchy hierarchy;
    private final TokenIssuer issuer;
    private final TokenRevocation revocation;
    private final TokenIntrospection introspection;
    private final JwtAccessTokenVerifier verifier;
    private final SigningKeys signingKeys;
    private final ApiEndpoint endpoint;
    private final AccessAuthorizer authorizer;
    private final AuthorizerEndpoint authorizerEndpoint;
    private final SnapshotSafeRandom signatureRandom;

    private Gatekeeper(GatekeeperConfig config, DynamoDbClient dynamoDb, SigningKeySource keySource, Clock clock,
                       Supplier<UUID> tokenIds, SnapshotSafeRandom signatureRandom) {
        this.signatureRandom = signatureRandom;
        var organisations = new CachingOrganisationDirectory(
                new DynamoDbOrganisationRegistry(dynamoDb, config.tableName()), clock, ORGANISATION_CACHE,
                ORGANISATION_CACHE_ENTRIES);
        var apiKeys = new DynamoDbApiKeyRegistry(dynamoDb, config.tableName());
        // Audit record ids are not token ids: a test's sequence of token ids stays what it expects.
        this.tokenStore = new DynamoDbTokenStore(dynamoDb, config.tableName(), config.tokenRetention(),
                config.auditRetention(), UUID::randomUUID);
        this.auditLog = new DynamoDbAuditLog(dynamoDb, config.tableName(), config.auditRetention());
        this.signingKeys = new SigningKeys(keySource, clock, config.signingKeyMaxAge(), UNKNOWN_KID_RELOAD_INTERVAL);
        this.hierarchy = new OrganisationHierarchy(organisations);
        this.verifier = new JwtAccessTokenVerifier(signingKeys, config.tokenSettings(), clock);
        JwtAccessTokenSigner signer = new JwtAccessTokenSigner(signingKeys, config.tokenSettings(), signatureRandom);
        this.issuer = new TokenIssuer(tokenStore, signer, config.tokenSettings(), clock, tokenIds, SIGNING_THREADS);
        this.revocation = new TokenRevocation(tokenStore, verifier, clock);
        this.introspection = new TokenIntrospection(verifier, tokenStore, hierarchy, clock);
        EmfMetrics metrics = EmfMetrics.toStdout(config.metricsNamespace(), clock);
        this.endpoint = new ApiEndpoint(new Authenticator(apiKeys, organisations, verifier, tokenStore, clock), metrics,
                auditLog, clock, UUID::randomUUID);
        this.authorizer = new AccessAuthorizer(apiKeys, organisations, verifier, tokenStore, clock);
        this.authorizerEndpoint = new AuthorizerEndpoint(authorizer, metrics, auditLog, clock, UUID::randomUUID);
    }

    public static Gatekeeper create(GatekeeperConfig config, DynamoDbClient dynamoDb, SigningKeySource keySource,
                                    Clock clock, Supplier<UUID> tokenIds) {
        return create(config, dynamoDb, keySource, clock, tokenIds, new SnapshotSafeRandom());
    }

    /** @param signatureRandom the randomness of ECDSA signatures, which {@link SnapStartPriming} replaces after a restore */
    public static Gatekeeper create(GatekeeperConfig config, DynamoDbClient dynamoDb, SigningKeySource keySource,
                                    Clock clock, Supplier<UUID> tokenIds, SnapshotSafeRandom signatureRandom) {
        return new Gatekeeper(config, dynamoDb, keySource, clock, tokenIds, signatureRandom);
    }

    /** The container's instance, built from the environment on first use. */
    public static Gatekeeper shared() {
        Gatekeeper instance = shared;
        if (instance == null) {
            synchronized (Gatekeeper.class) {
                instance = shared;
                if (instance == null) {
                    instance = fromEnvironment(System.getenv());
                    shared = instance;
                }
            }
        }
        return instance;
    }

    public static Gatekeeper fromEnvironment(Map<String, String> env) {
        GatekeeperConfig config = GatekeeperConfig.fromEnvironment(env);
        // Cold start: the HTTP client, then the signing keys, load on threads of their own while this one builds the
        // DynamoDB client (AwsClients, PrefetchedSigningKeySource).
        SdkHttpClient http = AwsClients.backgroundHttpClient();
        SigningKeySource keys = PrefetchedSigningKeySource.start(new SecretsManagerSigningKeySource(
                AwsClients.secretsManager(config, http), config.signingKeySecretId()), Clock.systemUTC());
        DynamoDbClient dynamoDb = AwsClients.dynamoDb(config, http);
        // Token ids from a generator that SnapStartPriming replaces after a snapshot restore (see TokenIds).
        TokenIds tokenIds = new TokenIds();
        Gatekeeper gatekeeper = create(config, dynamoDb, keys, Clock.systemUTC(), tokenIds);
        SnapStartPriming.startInLambda(gatekeeper, config, tokenIds, Clock.systemUTC(), env);
        return gatekeeper;
    }

    public ApiEndpoint endpoint() {
        return endpoint;
    }

    public OrganisationHierarchy hierarchy() {
        return hierarchy;
    }

    public TokenIssuer issuer() {
        return issuer;
    }

    public TokenRevocation revocation() {
        return revocation;
    }

    public TokenIntrospection introspection() {
        return introspection;
    }

    /** The request authorizer for other APIs. */
    public AccessAuthorizer authorizer() {
        return authorizer;
    }

    /** The authorizer's request flow: logs and metrics around {@link #authorizer()}. */
    public AuthorizerEndpoint authorizerEndpoint() {
        return authorizerEndpoint;
    }

    public JwtAccessTokenVerifier verifier() {
        return verifier;
    }

    /** The randomness this container's ES256 signatures draw on (see {@link SnapshotSafeRandom}). */
    public SnapshotSafeRandom signatureRandom() {
        return signatureRandom;
    }

    public SigningKeys signingKeys() {
        return signingKeys;
    }

    public TokenStore tokenStore() {
        return tokenStore;
    }

    public AuditLog auditLog() {
        return auditLog;
    }
}
