package dev.gatekeeper.config;

import dev.gatekeeper.adapter.secretsmanager.SecretsManagerPublicKeySource;
import dev.gatekeeper.adapter.secretsmanager.SecretsManagerSigningKeySource;
import dev.gatekeeper.api.ApiEndpoint;
import dev.gatekeeper.api.AuthorizerEndpoint;
import dev.gatekeeper.core.audit.AuditLog;
import dev.gatekeeper.core.auth.AccessAuthorizer;
import dev.gatekeeper.core.auth.Authenticator;
import dev.gatekeeper.core.keys.PublicKeySource;
import dev.gatekeeper.core.keys.SigningKeySet;
import dev.gatekeeper.core.keys.VerificationKeySet;
import dev.gatekeeper.core.keys.PublicKeys;
import dev.gatekeeper.core.keys.SigningKeySource;
import dev.gatekeeper.core.keys.SigningKeys;
import dev.gatekeeper.core.keys.VerificationKeys;
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
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The composition root: builds the service once per container and hands it to every handler. Handlers' no-arg
 * constructors (used by Lambda) call {@link #shared()} (the functions that issue tokens) or
 * {@link #sharedVerifyOnly()} (the others); tests and the local runner call {@link #create} or {@link #verifyOnly}
 * with their own clients and key source.
 *
 * <p>Two kinds of service, by the key set a function may read. A <b>signing</b> service ({@link #create}, from
 * {@code SIGNING_KEY_SECRET_ARN}) holds the private signing keys: it issues tokens and verifies bearer tokens with
 * the public halves of the same set. A <b>verify-only</b> service ({@link #verifyOnly}, from
 * {@code PUBLIC_KEY_SECRET_ARN}) holds only {@link PublicKeys}, the public key set rotation publishes: it verifies,
 * introspects, revokes and publishes the JWKS, and has no signer, no issuer and no private key anywhere in it, so a
 * flaw in the authorizer or any other verify-only function cannot leak the signing keys or mint a token.
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
    private final VerificationKeys verificationKeys;
    /** Null in a verify-only service, and so is {@link #issuer}. */
    private final SigningKeys signingKeys;
    private final ApiEndpoint endpoint;
    private final AccessAuthorizer authorizer;
    private final AuthorizerEndpoint authorizerEndpoint;
    private final SnapshotSafeRandom signatureRandom;

    private Gatekeeper(GatekeeperConfig config, Stores stores, SigningKeys signingKeys,
                       VerificationKeys verificationKeys, Clock clock, Supplier<UUID> tokenIds,
                       SnapshotSafeRandom signatureRandom) {
        this.signatureRandom = signatureRandom;
        var organisations = new CachingOrganisationDirectory(stores.organisations(), clock, ORGANISATION_CACHE,
                ORGANISATION_CACHE_ENTRIES);
        var apiKeys = stores.apiKeys();
        this.tokenStore = stores.tokens();
        this.auditLog = stores.auditLog();
        this.signingKeys = signingKeys;
        this.verificationKeys = verificationKeys;
        this.hierarchy = new OrganisationHierarchy(organisations);
        this.verifier = new JwtAccessTokenVerifier(verificationKeys, config.tokenSettings(), clock);
        this.issuer = signingKeys == null ? null : new TokenIssuer(tokenStore,
                new JwtAccessTokenSigner(signingKeys, config.tokenSettings(), signatureRandom), config.tokenSettings(),
                clock, tokenIds, SIGNING_THREADS);
        // A revocation stops walking the tokens minted below it while a slow storage call (at most its call timeout,
        // retries included) and the answer still fit in what is left of the function's time.
        this.revocation = new TokenRevocation(tokenStore, verifier, clock,
                AwsClients.DYNAMODB_CALL_TIMEOUT.plusSeconds(1));
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

    /**
     * A signing service: it reads the private key set.
     *
     * @param signatureRandom the randomness of ECDSA signatures, which {@link SnapStartPriming} replaces after a restore
     */
    public static Gatekeeper create(GatekeeperConfig config, DynamoDbClient dynamoDb, SigningKeySource keySource,
                                    Clock clock, Supplier<UUID> tokenIds, SnapshotSafeRandom signatureRandom) {
        return create(config, Stores.dynamoDb(config, dynamoDb), keySource, clock, tokenIds, signatureRandom);
    }

    /** A signing service on stores of the caller's (the local runner's in-process store). */
    public static Gatekeeper create(GatekeeperConfig config, Stores stores, SigningKeySource keySource, Clock clock,
                                    Supplier<UUID> tokenIds) {
        return create(config, stores, keySource, clock, tokenIds, new SnapshotSafeRandom());
    }

    private static Gatekeeper create(GatekeeperConfig config, Stores stores, SigningKeySource keySource, Clock clock,
                                     Supplier<UUID> tokenIds, SnapshotSafeRandom signatureRandom) {
        SigningKeys keys = new SigningKeys(keySource, clock, config.signingKeyMaxAge(), UNKNOWN_KID_RELOAD_INTERVAL);
        return new Gatekeeper(config, stores, keys, keys, clock, tokenIds, signatureRandom);
    }

    /** A verify-only service: it reads only the public key set, and cannot issue tokens. */
    public static Gatekeeper verifyOnly(GatekeeperConfig config, DynamoDbClient dynamoDb, PublicKeySource keySource,
                                        Clock clock) {
        return verifyOnly(config, Stores.dynamoDb(config, dynamoDb), keySource, clock);
    }

    /** A verify-only service on stores of the caller's (the local runner's in-process store). */
    public static Gatekeeper verifyOnly(GatekeeperConfig config, Stores stores, PublicKeySource keySource,
                                        Clock clock) {
        PublicKeys keys = new PublicKeys(keySource, clock, config.signingKeyMaxAge(), UNKNOWN_KID_RELOAD_INTERVAL);
        // Token ids are only drawn by an issuer, which this service has none of.
        return new Gatekeeper(config, stores, null, keys, clock, UUID::randomUUID, new SnapshotSafeRandom());
    }

    /**
     * The container's instance, built from the environment on first use: a signing service if the function is given
     * {@code SIGNING_KEY_SECRET_ARN}, a verify-only one if it is given {@code PUBLIC_KEY_SECRET_ARN}.
     */
    public static Gatekeeper shared() {
        return shared(false);
    }

    /**
     * The container's instance for a handler that only verifies tokens or publishes keys. A function given the
     * private key set fails at start, before anything is loaded, so the template cannot hand it the signing keys by
     * mistake.
     *
     * @throws IllegalStateException if the function's environment names {@code SIGNING_KEY_SECRET_ARN}
     */
    public static Gatekeeper sharedVerifyOnly() {
        return shared(true);
    }

    private static Gatekeeper shared(boolean verifyOnly) {
        Gatekeeper instance = shared;
        if (instance == null) {
            synchronized (Gatekeeper.class) {
                instance = shared;
                if (instance == null) {
                    Map<String, String> env = System.getenv();
                    if (verifyOnly) {
                        refuseSigningKeys(env);
                    }
                    instance = fromEnvironment(env);
                    shared = instance;
                }
            }
        }
        if (verifyOnly && instance.signs()) {
            refuseSigningKeys(Map.of(GatekeeperConfig.SIGNING_KEY_SECRET_ARN, "set"));
        }
        return instance;
    }

    /** For a function that must only verify: its environment must not even name the private key set. */
    static void refuseSigningKeys(Map<String, String> env) {
        String secret = env.get(GatekeeperConfig.SIGNING_KEY_SECRET_ARN);
        if (secret != null && !secret.isBlank()) {
            throw new IllegalStateException("this function only verifies tokens: give it "
                    + GatekeeperConfig.PUBLIC_KEY_SECRET_ARN + " (the public key set), not "
                    + GatekeeperConfig.SIGNING_KEY_SECRET_ARN + " (the private signing keys)");
        }
    }

    public static Gatekeeper fromEnvironment(Map<String, String> env) {
        GatekeeperConfig config = GatekeeperConfig.fromEnvironment(env);
        // Cold start: the HTTP client, then the keys, load on threads of their own while this one builds the
        // DynamoDB client (AwsClients, PrefetchedKeySource).
        SdkHttpClient http = AwsClients.backgroundHttpClient();
        SecretsManagerClient secretsManager = AwsClients.secretsManager(config, http);
        Gatekeeper gatekeeper;
        // Token ids from a generator that SnapStartPriming replaces after a snapshot restore (see TokenIds).
        TokenIds tokenIds = new TokenIds();
        if (config.signingKeySecretId().isPresent()) {
            PrefetchedKeySource<SigningKeySet> keys = PrefetchedKeySource.start(new SecretsManagerSigningKeySource(
                    secretsManager, config.signingKeySecretId().get()), Clock.systemUTC());
            DynamoDbClient dynamoDb = AwsClients.dynamoDb(config, http);
            gatekeeper = create(config, dynamoDb, keys::load, Clock.systemUTC(), tokenIds);
        } else {
            PrefetchedKeySource<VerificationKeySet> keys = PrefetchedKeySource.start(new SecretsManagerPublicKeySource(
                    secretsManager, config.publicKeySecretId().orElseThrow()), Clock.systemUTC());
            DynamoDbClient dynamoDb = AwsClients.dynamoDb(config, http);
            gatekeeper = verifyOnly(config, dynamoDb, keys::load, Clock.systemUTC());
        }
        SnapStartPriming.startInLambda(gatekeeper, config, tokenIds, Clock.systemUTC(), env);
        return gatekeeper;
    }

    public ApiEndpoint endpoint() {
        return endpoint;
    }

    public OrganisationHierarchy hierarchy() {
        return hierarchy;
    }

    /** Whether this service holds the private signing keys (and so can issue tokens). */
    public boolean signs() {
        return signingKeys != null;
    }

    /** @throws IllegalStateException in a verify-only service, which has no signing keys to issue with */
    public TokenIssuer issuer() {
        if (issuer == null) {
            throw withoutSigningKeys();
        }
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

    /** @throws IllegalStateException in a verify-only service, which never holds them */
    public SigningKeys signingKeys() {
        if (signingKeys == null) {
            throw withoutSigningKeys();
        }
        return signingKeys;
    }

    /** The public halves this service verifies with and publishes, whichever key set it reads. */
    public VerificationKeys verificationKeys() {
        return verificationKeys;
    }

    private static IllegalStateException withoutSigningKeys() {
        return new IllegalStateException("this service only verifies tokens: it was built from the public key set ("
                + GatekeeperConfig.PUBLIC_KEY_SECRET_ARN + "), and issuing needs the signing keys ("
                + GatekeeperConfig.SIGNING_KEY_SECRET_ARN + ")");
    }

    public TokenStore tokenStore() {
        return tokenStore;
    }

    public AuditLog auditLog() {
        return auditLog;
    }
}
