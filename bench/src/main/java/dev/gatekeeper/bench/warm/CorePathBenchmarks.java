package dev.gatekeeper.bench.warm;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.gatekeeper.config.SnapshotSafeRandom;
import dev.gatekeeper.core.keys.SigningAlgorithm;
import dev.gatekeeper.core.keys.SigningKeySet;
import dev.gatekeeper.core.keys.SigningKeySetJson;
import dev.gatekeeper.core.keys.SigningKeys;
import dev.gatekeeper.core.token.AccessTokenClaims;
import dev.gatekeeper.core.token.JwtAccessTokenSigner;
import dev.gatekeeper.core.token.JwtAccessTokenVerifier;
import dev.gatekeeper.core.token.TokenRecord;
import dev.gatekeeper.core.token.TokenSettings;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The warm core paths without I/O (issue 7), with the project's own classes where the project has them:
 * {@link JwtAccessTokenSigner} (RS256 issue), {@link JwtAccessTokenVerifier} (bearer check), and the revoke decision
 * of {@link TokenRecord}; ES256 through the same library (Nimbus JOSE, the JDK's SunEC) on the same claims, as the
 * alternative algorithm the issue asks to weigh. {@link WarmBenchmark} runs every method once under the Lambda
 * java17 flags (C1 only) and once with C2, each in its own fork, in SampleTime mode for p50/p99/p99.9.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class CorePathBenchmarks {
    private JwtAccessTokenSigner signer;
    private JwtAccessTokenVerifier verifier;
    private TokenRecord record;
    private String rs256Token;

    private ECDSASigner es256Signer;
    private ECDSAVerifier es256Verifier;
    private JWSHeader es256Header;
    private JWTClaimsSet claims;
    private String es256Token;

    private Clock clock;
    private AccessTokenClaims verifiedClaims;
    private long storedGeneration;

    @Setup(Level.Trial)
    public void setUp() throws JOSEException, ParseException {
        clock = Clock.systemUTC();
        // The project's key format and generator (RSA-2048), held in memory: SigningKeys loads it once and caches
        // it for maxAge, as it caches the Secrets Manager secret in Lambda.
        SigningKeySet keySet = new SigningKeySet(SigningKeySetJson.generateKey(SigningAlgorithm.RS256, clock.instant()),
                List.of());
        SigningKeys keys = new SigningKeys(() -> keySet, clock, Duration.ofMinutes(5), Duration.ofSeconds(10));
        TokenSettings settings = TokenSettings.gatekeeperDefaults(SampleTokens.ISSUER, List.of(SampleTokens.AUDIENCE));
        signer = new JwtAccessTokenSigner(keys, settings, new SnapshotSafeRandom());
        verifier = new JwtAccessTokenVerifier(keys, settings, clock);
        // A day's lifetime, so no token expires during a run.
        record = SampleTokens.merchantToken(signer.currentKeyId(), 0, Duration.ofDays(1));
        rs256Token = signer.sign(record);

        // ES256 signs exactly the claims the RS256 token carries.
        claims = SignedJWT.parse(rs256Token).getJWTClaimsSet();
        ECKey ecKey = new ECKeyGenerator(Curve.P_256).keyID("bench-es256").generate();
        es256Signer = new ECDSASigner(ecKey);
        es256Verifier = new ECDSAVerifier(ecKey.toPublicJWK());
        es256Header = new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(ecKey.getKeyID()).type(JOSEObjectType.JWT).build();
        es256Token = es256Sign();

        verifiedClaims = verifier.verify(rs256Token);
        storedGeneration = 0;
        if (!revokeDecision()) {
            throw new IllegalStateException("the sample token should be live");
        }
    }

    /** Minting an access token as the issue path does: claims from the record, RS256 signature, serialised JWT. */
    @Benchmark
    public String rs256Sign() {
        return signer.sign(record);
    }

    /**
     * The same token with ES256 (P-256): header, claims (copied into a new set, as building them costs the RS256
     * path a little too), signature, serialised JWT.
     */
    @Benchmark
    public String es256Sign() throws JOSEException {
        SignedJWT jwt = new SignedJWT(es256Header, new JWTClaimsSet.Builder(claims).build());
        jwt.sign(es256Signer);
        return jwt.serialize();
    }

    /**
     * A bearer token checked as the authorizer and the API-key-less paths check it: parse, algorithm pinned, issuer,
     * audience, expiry, kid lookup in the cached key set, RS256 signature.
     */
    @Benchmark
    public AccessTokenClaims rs256Verify() {
        return verifier.verify(rs256Token);
    }

    /** The ES256 token: parse, signature, claims (what the RS256 verifier does but the claim checks). */
    @Benchmark
    public JWTClaimsSet es256Verify() throws ParseException, JOSEException {
        SignedJWT jwt = SignedJWT.parse(es256Token);
        if (!jwt.verify(es256Verifier)) {
            throw new IllegalStateException("ES256 signature did not verify");
        }
        return jwt.getJWTClaimsSet();
    }

    /**
     * The decision on a token record the store found for a verified token, as {@code DynamoDbTokenStore.findLive}
     * and the authorizer make it: not ended by a revoke-all (its generation is the organisation's current one),
     * not revoked on its own, not expired at the clock's now, and its signed claims are what was stored. No I/O:
     * the round trip that fetched the record is measured by the handler harness.
     */
    @Benchmark
    public boolean revokeDecision() {
        Instant now = clock.instant();
        return record.generation() >= storedGeneration && record.isLiveAt(now) && record.describes(verifiedClaims);
    }
}
