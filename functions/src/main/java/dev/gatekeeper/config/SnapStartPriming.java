package dev.gatekeeper.config;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import dev.gatekeeper.api.ApiRequest;
import dev.gatekeeper.api.JsonBodies;
import dev.gatekeeper.api.TokenResponses;
import dev.gatekeeper.core.auth.AuthorizationHeader;
import dev.gatekeeper.core.auth.Credentials;
import dev.gatekeeper.core.error.GatekeeperException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.gatekeeper.core.keys.SigningAlgorithm;
import dev.gatekeeper.core.keys.VerificationKey;
import dev.gatekeeper.core.organisation.AccessType;
import dev.gatekeeper.core.organisation.OrganisationId;
import dev.gatekeeper.core.token.IssuedToken;
import dev.gatekeeper.core.token.JwtAccessTokenSigner;
import dev.gatekeeper.core.token.TokenId;
import dev.gatekeeper.core.token.TokenRecord;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.text.ParseException;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets a Lambda container ready for its first request while nobody waits for one, and keeps a SnapStart snapshot
 * free of anything a restored copy must not share.
 *
 * <p><b>What priming does</b> ({@link #prime()}): it runs the code a request runs, with everything real except the
 * data, so that the classes are loaded, the SDK clients have made their first calls (credentials resolved,
 * connections opened, request and response pipelines loaded) and the signing keys are in the container's cache:
 * <ul>
 *   <li>loads the function's key set from Secrets Manager into the container's key cache (what every function does
 *       on its first request anyway): the private signing keys in a function that issues tokens, the public key set
 *       in the others;</li>
 *   <li>signs a throw-away token with the real signer and keys, verifies it with the real verifier, and renders the
 *       201 response it would be part of; the token exists only in this method's variables: it is never stored,
 *       returned or logged, it belongs to no organisation ({@code snapstart0} is not a valid organisation of any
 *       deployment, its id is a constant) and it expires {@value #THROW_AWAY_TOKEN_SECONDS} s after it is made, long
 *       before any snapshot it could linger in as garbage is restored;</li>
 *   <li>reads, never writes: an API key that does not exist goes through the request authorizer (a DynamoDB
 *       {@code GetItem}: a refused unknown key leaves no audit record, unlike a refusal by the API functions), and
 *       the throw-away token is looked up in the token store (a {@code BatchGetItem}). The write of a new token
 *       (TransactWriteItems) is deliberately not primed: nothing here writes a record, so its classes load on the
 *       first real write.</li>
 * </ul>
 * The JWKS function has no DynamoDB rights and needs none: it is primed with the key set and its JWKS response only
 * ({@link Scope#KEYS}). Every failure is logged and swallowed: priming only saves time, a request never depends on
 * it.
 *
 * <p><b>When.</b> {@link #startInLambda} is called by the composition root once per container when it runs in Lambda.
 * It starts priming on a background thread at once, so it overlaps what the runtime still does before it asks for
 * the first event (building its event serialiser) and, on a container with a free core, the first request itself.
 * It also registers this object with CRaC ({@code org.crac}, which the Lambda Java runtime implements for
 * SnapStart; without a CRaC JVM registration does nothing):
 * <ul>
 *   <li>{@link #beforeCheckpoint}: waits for that priming to finish (no thread may be mid-request when the memory
 *       is captured), so the snapshot holds a primed container;</li>
 *   <li>{@link #afterRestore}: replaces the token-id generator ({@link TokenIds#reseed()}), so that every restored
 *       copy of the snapshot draws its own token ids (the generator primed before the snapshot, by drawing one id
 *       and dropping it, is discarded), and likewise the randomness of ES256 signatures
 *       ({@link SnapshotSafeRandom#reseed()}), so that no two restored copies can sign with the same ECDSA nonce
 *       (which would give the private key away).</li>
 * </ul>
 *
 * <p><b>What a snapshot holds</b>, and why that is acceptable: the function's key set (the private signing keys only
 * in the functions that issue tokens, the public key set in the others), which every container holds in its key
 * cache anyway (not a copy: the same cache), and which a restored container replaces once it is older than
 * the cache period ({@code SIGNING_KEY_CACHE_SECONDS}: its age is measured on the wall clock, so a snapshot taken
 * longer ago than that reloads the keys on its first request); the SDK's cached role credentials, as in any
 * container (the SDK refreshes them before they expire; under SnapStart they come from the container credentials
 * endpoint, which is why no credentials provider is pinned in {@link AwsClients}); and open connections, which
 * do not survive a restore and are replaced on first use. No bearer token, API key or other secret is kept in a
 * field of this class, and no token id comes from randomness drawn or seeded before the snapshot ({@link TokenIds}).
 * The other ids (requests, audit records) are drawn per request from {@code UUID.randomUUID()}, which reads the
 * operating system's pool on each call (see {@link TokenIds} for what that relies on).
 */
public final class SnapStartPriming implements Resource {
    private static final Logger LOG = LoggerFactory.getLogger(SnapStartPriming.class);

    /** Lifetime of the throw-away token; it is verified the moment it is signed. */
    static final long THROW_AWAY_TOKEN_SECONDS = 10;
    /** The throw-away token's id and organisation: constants, not ids from the token-id generator. */
    static final TokenId THROW_AWAY_TOKEN_ID = new TokenId("00000000-0000-4000-8000-000000000000");
    static final OrganisationId NO_ORGANISATION = new OrganisationId("snapstart0");
    /** Well-formed, so it is looked up, and matching no stored key (keys are hashed; see {@code ApiKeyHash}). */
    private static final String NO_API_KEY = "gk_snapstart_priming_matches_no_stored_key";
    /** How long {@link #beforeCheckpoint} waits for priming: a bit more than one call's retries and timeouts. */
    private static final long CHECKPOINT_WAIT_SECONDS = 15;
    /** The JWKS handler: keys only, no DynamoDB. */
    private static final String JWKS_HANDLER = "dev.gatekeeper.handler.JwksHandler";

    /** What a function needs, so what it gets primed with. */
    public enum Scope {
        /** The public key set and the JWKS response only (the JWKS function, which has no DynamoDB rights). */
        KEYS,
        /** The public key set, verification and the DynamoDB reads (the other functions that only verify tokens). */
        VERIFY,
        /** The signing keys, signing and verification, and the DynamoDB reads (the functions that issue tokens). */
        FULL
    }

    /** Held here because a CRaC context may hold its resources weakly; one per container. */
    private static volatile SnapStartPriming registered;

    private final Gatekeeper gatekeeper;
    private final GatekeeperConfig config;
    private final TokenIds tokenIds;
    private final Clock clock;
    private final Scope scope;
    private volatile CompletableFuture<Boolean> priming;

    public SnapStartPriming(Gatekeeper gatekeeper, GatekeeperConfig config, TokenIds tokenIds, Clock clock, Scope scope) {
        this.gatekeeper = Objects.requireNonNull(gatekeeper, "gatekeeper");
        this.config = Objects.requireNonNull(config, "config");
        this.tokenIds = Objects.requireNonNull(tokenIds, "tokenIds");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.scope = Objects.requireNonNull(scope, "scope");
    }

    /**
     * In Lambda (the runtime sets {@code AWS_LAMBDA_FUNCTION_NAME}): starts priming in the background and registers
     * the SnapStart hooks. Elsewhere (tests, the local runner, the admin CLI) it does nothing.
     */
    static void startInLambda(Gatekeeper gatekeeper, GatekeeperConfig config, TokenIds tokenIds, Clock clock,
                              Map<String, String> env) {
        if (env.get("AWS_LAMBDA_FUNCTION_NAME") == null) {
            return;
        }
        SnapStartPriming priming = new SnapStartPriming(gatekeeper, config, tokenIds, clock, scopeOf(env, gatekeeper));
        registered = priming;
        priming.startInBackground();
        Core.getGlobalContext().register(priming);
    }

    /**
     * What the function Lambda runs here needs: from the handler Lambda names in {@code _HANDLER} (the JWKS function)
     * and from the keys the service holds (a verify-only service cannot sign).
     */
    static Scope scopeOf(Map<String, String> env, Gatekeeper gatekeeper) {
        String handler = env.getOrDefault("_HANDLER", "");
        if (handler.equals(JWKS_HANDLER) || handler.startsWith(JWKS_HANDLER + "::")) {
            return Scope.KEYS;
        }
        return gatekeeper.signs() ? Scope.FULL : Scope.VERIFY;
    }

    /** Starts {@link #prime()} on a daemon thread; {@link #beforeCheckpoint} waits for it. */
    public void startInBackground() {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        priming = done;
        Thread thread = new Thread(() -> done.complete(prime()), "gatekeeper-priming");
        thread.setDaemon(true);
        thread.start();
    }

    /** Runs the priming now, on this thread; true if every step worked. Never throws. */
    public boolean prime() {
        long start = System.nanoTime();
        try {
            var keys = gatekeeper.verificationKeys();
            switch (scope) {
                case KEYS -> TokenResponses.jwks(keys.publicKeys().publicJwkSet(), keys.maxAge());
                case VERIFY -> {
                    verifyRefused(keys.publicKeys().current());
                    readOnlyRequests();
                }
                case FULL -> {
                    // One id drawn and dropped: the generator seeds itself now, not in the first request.
                    tokenIds.get();
                    signAndVerify();
                    readOnlyRequests();
                }
            }
            LOG.info("Primed for the first request in {} ms", (System.nanoTime() - start) / 1_000_000);
            return true;
        } catch (RuntimeException e) {
            // The first request does the same work again and reports its own failures; this costs only time.
            LOG.warn("Priming failed after {} ms; the first request will load what it needs: {}",
                    (System.nanoTime() - start) / 1_000_000, e.toString());
            return false;
        }
    }

    /** The issuing path from the signature on: sign, verify, render; all with a token nobody can use. */
    private void signAndVerify() {
        Instant now = Instant.ofEpochMilli(clock.millis());
        JwtAccessTokenSigner signer = new JwtAccessTokenSigner(gatekeeper.signingKeys(), config.tokenSettings(),
                gatekeeper.signatureRandom());
        TokenRecord record = new TokenRecord(THROW_AWAY_TOKEN_ID, NO_ORGANISATION, NO_ORGANISATION, AccessType.CR,
                AccessType.CR, null, List.of("snapstart_priming"), false, false, now,
                now.plusSeconds(THROW_AWAY_TOKEN_SECONDS), 0, null, false, null, signer.currentKeyId());
        String jwt = signer.sign(record);
        gatekeeper.verifier().verify(jwt);
        TokenResponses.created("/tokens/" + THROW_AWAY_TOKEN_ID.value(), new IssuedToken(record, jwt));
        JsonBodies.tokenRequest("{\"scopes\": [\"snapstart_priming\"], \"expiresIn\": 3600}");
    }

    /**
     * The verification path of a function without signing keys: a throw-away token with valid claims under the
     * current kid and a signature of zeros, which the verifier must refuse at the very last check.
     */
    private void verifyRefused(VerificationKey key) {
        Instant now = Instant.ofEpochMilli(clock.millis());
        // The claims a token of ours carries (JwtClaimNames), so that only the signature can fail.
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(config.tokenSettings().issuer())
                .subject(NO_ORGANISATION.value())
                .audience(config.tokenSettings().audience())
                .jwtID(THROW_AWAY_TOKEN_ID.value())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(THROW_AWAY_TOKEN_SECONDS)))
                .claim("scope", List.of("snapstart_priming"))
                .claim("org_id", NO_ORGANISATION.value())
                .claim("originator_org_id", NO_ORGANISATION.value())
                .claim("access_type", AccessType.CR.name())
                .build();
        JWSHeader header = new JWSHeader.Builder(key.algorithm().jwsAlgorithm()).keyID(key.kid())
                .type(JOSEObjectType.JWT).build();
        // The length of a real signature of the algorithm, so the check runs instead of failing on the size.
        byte[] zeros = new byte[key.algorithm() == SigningAlgorithm.ES256 ? 64 : 256];
        String jwt;
        try {
            jwt = new SignedJWT(header.toBase64URL(), claims.toPayload().toBase64URL(), Base64URL.encode(zeros))
                    .serialize();
        } catch (ParseException e) {
            throw new IllegalStateException("the priming token cannot be built", e);
        }
        if (gatekeeper.verifier().verifyOrExplain(jwt).isPresent()) {
            throw new IllegalStateException("a token with a signature of zeros was accepted");
        }
    }

    /** The request flow up to the first read of each kind, with credentials and ids that match nothing stored. */
    private void readOnlyRequests() {
        APIGatewayProxyRequestEvent event = new APIGatewayProxyRequestEvent()
                .withHttpMethod("POST")
                .withPath("/tokens")
                .withHeaders(Map.of("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (NO_API_KEY + ":").getBytes(StandardCharsets.UTF_8)), "Content-Type", "application/json"))
                .withRequestContext(new APIGatewayProxyRequestEvent.ProxyRequestContext()
                        .withIdentity(new APIGatewayProxyRequestEvent.RequestIdentity().withSourceIp("127.0.0.1")));
        ApiRequest request = new ApiRequest(event);
        Credentials credentials = AuthorizationHeader.parse(request.header("Authorization"));
        try {
            gatekeeper.authorizer().decide(credentials, request.sourceIp());
            throw new IllegalStateException("the priming API key was accepted");
        } catch (GatekeeperException expected) {
            // 401 for an unknown key (what we want), or 503 if the table is unreachable: reported like any failure.
            if (expected.code().httpStatus() != 401) {
                throw expected;
            }
        }
        gatekeeper.tokenStore().findLive(NO_ORGANISATION, THROW_AWAY_TOKEN_ID, clock.instant());
    }

    /** Waits for the priming started in the background (or primes now if none was started). */
    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        CompletableFuture<Boolean> started = priming;
        if (started == null) {
            prime();
            return;
        }
        try {
            started.get(CHECKPOINT_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            LOG.warn("Priming still running after {} s; the snapshot is taken without waiting longer", CHECKPOINT_WAIT_SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.warn("Priming failed: {}", e.getCause().toString());
        }
    }

    /**
     * Every restored copy of the snapshot gets a token-id generator and an ECDSA signature generator of its own
     * before its first request, each seeded here (one draw dropped) from the operating system of the restored
     * environment.
     */
    @Override
    public void afterRestore(Context<? extends Resource> context) {
        tokenIds.reseed();
        tokenIds.get();
        gatekeeper.signatureRandom().reseed();
        gatekeeper.signatureRandom().nextBytes(new byte[32]);
    }

    /** The instance registered in this container, if any (for diagnostics and tests). */
    static SnapStartPriming registered() {
        return registered;
    }
}
