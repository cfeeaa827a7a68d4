package dev.gatekeeper.handler;

import static dev.gatekeeper.testing.GatekeeperFixture.AUDIENCE;
import static dev.gatekeeper.testing.GatekeeperFixture.ISSUER;
import static dev.gatekeeper.testing.GatekeeperFixture.MERCHANT_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.gatekeeper.adapter.secretsmanager.SigningKeyRotation;
import dev.gatekeeper.core.keys.KeyRetention;
import dev.gatekeeper.core.keys.SigningAlgorithm;
import dev.gatekeeper.testing.ApiEvents;
import dev.gatekeeper.testing.AuthorizerEvents;
import dev.gatekeeper.testing.ForgedToken;
import dev.gatekeeper.testing.GatekeeperFixture;
import dev.gatekeeper.testing.GatekeeperFixture.Response;
import dev.gatekeeper.testing.LocalDynamoDb;
import dev.gatekeeper.testing.MotoServer;
import dev.gatekeeper.testing.TestKeys;
import dev.gatekeeper.testing.TestLambdaContext;
import java.text.ParseException;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A resource server that verifies our tokens offline with nimbus's standard JWKS machinery, never our code: the
 * key set comes from the JWKS handler's response body, and a full four-step rotation of the secret happens in
 * between.
 */
class KeyRotationThroughJwksTest {
    private final GatekeeperFixture gk = GatekeeperFixture.create();
    private final AtomicInteger jwksFetches = new AtomicInteger();

    /** The served document, fetched as a resource server would fetch the URL. */
    private JWKSet fetchJwks() throws ParseException {
        jwksFetches.incrementAndGet();
        var response = gk.invoke(JwksHandler::new, ApiEvents.get("/.well-known/jwks.json").build());
        assertThat(response.status()).isEqualTo(200);
        return JWKSet.parse(response.raw().getBody());
    }

    /** A JWKS client built once, as a resource server builds it: cached, refetched when it meets an unknown kid. */
    private JWKSource<SecurityContext> remoteJwks() {
        JWKSetSource<SecurityContext> servedByTheHandler = new JWKSetSource<>() {
            @Override
            public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator refresh, long currentTime,
                                    SecurityContext context) throws KeySourceException {
                try {
                    return fetchJwks();
                } catch (ParseException e) {
                    throw new KeySourceException("unparseable JWKS", e);
                }
            }

            @Override
            public void close() {
            }
        };
        return JWKSourceBuilder.create(servedByTheHandler)
                .cache(true)
                .refreshAheadCache(false)
                .rateLimited(false)
                .retrying(false)
                .build();
    }

    /** A standard JWT processor: RS256 only, our issuer and audience, time from the fixture's clock. */
    private DefaultJWTProcessor<SecurityContext> verifierUsing(JWKSource<SecurityContext> keys) {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(AUDIENCE,
                new JWTClaimsSet.Builder().issuer(ISSUER).build(), Set.of("sub", "exp", "iat", "jti")) {
            @Override
            protected Date currentTime() {
                return Date.from(gk.clock.instant());
            }
        });
        return processor;
    }

    private String newMerchantToken() {
        return gk.requestToken(MERCHANT_KEY, "{\"scopes\":[\"admin\"],\"expiresIn\":3600}").accessToken();
    }

    private static String kidOf(String token) throws ParseException {
        return SignedJWT.parse(token).getHeader().getKeyID();
    }

    /** Plays Secrets Manager through the four rotation steps, as SigningKeyRotationTest does. */
    private void rotateTheSigningKey() {
        rotateTheSigningKey(SigningAlgorithm.RS256);
    }

    /** A rotation by a rotation function configured with {@code SIGNING_ALGORITHM=algorithm}. */
    private void rotateTheSigningKey(SigningAlgorithm algorithm) {
        MotoServer moto = MotoServer.shared();
        SigningKeyRotation rotation = new SigningKeyRotation(moto.secretsManager(), gk.clock,
                KeyRetention.forGatekeeperTokens(KeyRetention.DEFAULT_MAX_KEYS), algorithm, gk.publicSecretArn);
        String version = moto.startRotation(gk.secretArn);
        for (String step : List.of("createSecret", "setSecret", "testSecret", "finishSecret")) {
            rotation.rotate(step, gk.secretArn, version);
        }
    }

    /**
     * Switching RS256 to ES256 is: set the parameter, rotate. Afterwards new tokens are ES256 under the new kid,
     * tokens signed before by the RSA key still work everywhere (bearer credential, authorizer, a standard JWKS
     * verifier that accepts both algorithms), and the JWKS serves both keys.
     */
    @Test
    void afterARotationToEs256NewTokensAreEs256AndTokensOfThePreviousRsaKeyStillVerify() throws Exception {
        String before = newMerchantToken();
        assertThat(SignedJWT.parse(before).getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);

        rotateTheSigningKey(SigningAlgorithm.ES256);
        gk.clock.advance(Duration.ofSeconds(301)); // past the key cache age

        String after = newMerchantToken();
        assertThat(SignedJWT.parse(after).getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(kidOf(after)).isNotEqualTo(TestKeys.FIRST.kid());
        for (String token : List.of(before, after)) {
            assertThat(gk.invoke(RequestTokenHandler::new, ApiEvents.post("/tokens").bearer(token)
                    .json("{\"scopes\":[\"admin\"]}").build()).status()).as("bearer credential").isEqualTo(201);
            var decision = new TokenAuthorizerHandler(gk.verifying).handleRequest(
                    AuthorizerEvents.request().bearer(token).build(), new TestLambdaContext("TokenAuthorizerFunction"));
            assertThat(decision.getPrincipalId()).as("authorizer").isEqualTo("merchant01");
        }
        JWKSet served = fetchJwks();
        assertThat(served.getKeys()).extracting(key -> key.getKeyID()).containsExactly(kidOf(after), TestKeys.FIRST.kid());
        DefaultJWTProcessor<SecurityContext> bothAlgorithms = verifierUsing(new ImmutableJWKSet<>(served));
        bothAlgorithms.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256),
                new ImmutableJWKSet<>(served)));
        assertThat(bothAlgorithms.process(before, null).getSubject()).isEqualTo("merchant01");
        assertThat(bothAlgorithms.process(after, null).getSubject()).isEqualTo("merchant01");
    }

    @Test
    void aStandardVerifierFollowsTheServedJwksThroughAKeyRotation() throws Exception {
        DefaultJWTProcessor<SecurityContext> resourceServer = verifierUsing(remoteJwks());
        String before = newMerchantToken();
        assertThat(kidOf(before)).isEqualTo(TestKeys.FIRST.kid());
        assertThat(resourceServer.process(before, null).getSubject()).isEqualTo("merchant01");
        assertThat(jwksFetches).hasValue(1);

        rotateTheSigningKey();
        gk.clock.advance(Duration.ofSeconds(301)); // past the key cache age: every container now signs with the new key

        String after = newMerchantToken();
        String newKid = kidOf(after);
        assertThat(newKid).isNotEqualTo(TestKeys.FIRST.kid());
        assertThat(resourceServer.process(after, null).getSubject()).isEqualTo("merchant01");
        assertThat(jwksFetches).as("the unknown kid made the client refetch once").hasValue(2);
        assertThat(resourceServer.process(before, null).getJWTID()).isEqualTo(SignedJWT.parse(before).getJWTClaimsSet().getJWTID());

        JWKSet served = fetchJwks();
        assertThat(served.getKeys()).extracting(key -> key.getKeyID()).containsExactly(newKid, TestKeys.FIRST.kid());
        DefaultJWTProcessor<SecurityContext> freshResourceServer = verifierUsing(new ImmutableJWKSet<>(served));
        assertThat(freshResourceServer.process(before, null).getSubject()).isEqualTo("merchant01");
        assertThat(freshResourceServer.process(after, null).getSubject()).isEqualTo("merchant01");
    }

    @Test
    void tokensSignedBeforeARotationStillWorkAsBearerCredentialsAfterIt() throws Exception {
        String before = newMerchantToken();

        rotateTheSigningKey();
        gk.clock.advance(Duration.ofSeconds(301));

        var issuedWithOldToken = gk.invoke(RequestTokenHandler::new,
                ApiEvents.post("/tokens").bearer(before).json("{\"scopes\":[\"admin\"]}").build());
        assertThat(issuedWithOldToken.status()).isEqualTo(201);
        assertThat(kidOf(issuedWithOldToken.accessToken())).isNotEqualTo(TestKeys.FIRST.kid());
        var decision = new TokenAuthorizerHandler(gk.verifying).handleRequest(
                AuthorizerEvents.request().bearer(before).build(), new TestLambdaContext("TokenAuthorizerFunction"));
        assertThat(decision.getPrincipalId()).isEqualTo("merchant01");
    }

    /**
     * The first token a signing container makes after a rotation (its key cache is new, so it signs with the new key
     * at once) verifies in an authorizer container that has been running with the old public key set: the new kid is
     * unknown to it, and the public key secret it reloads already holds the key (setSecret, before finishSecret).
     */
    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void aTokenSignedRightAfterARotationVerifiesInTheAuthorizer(SigningAlgorithm algorithm) throws Exception {
        String before = newMerchantToken();
        TokenAuthorizerHandler authorizer = new TokenAuthorizerHandler(gk.verifyingWith(LocalDynamoDb.shared().client()));
        assertThat(authorize(authorizer, before)).isEqualTo("merchant01");
        gk.clock.advance(Duration.ofSeconds(11)); // past the unknown-kid reload interval, well within the cache age

        rotateTheSigningKey(algorithm);
        var freshSigner = gk.gatekeeperWith(LocalDynamoDb.shared().client());
        Response after = new Response(new RequestTokenHandler(freshSigner).handleRequest(ApiEvents.post("/tokens")
                .apiKey(MERCHANT_KEY).json("{\"scopes\":[\"admin\"],\"expiresIn\":3600}").build(),
                new TestLambdaContext("RequestTokenFunction")));

        assertThat(after.status()).isEqualTo(201);
        assertThat(kidOf(after.accessToken())).isNotEqualTo(TestKeys.FIRST.kid());
        assertThat(SignedJWT.parse(after.accessToken()).getHeader().getAlgorithm()).isEqualTo(algorithm.jwsAlgorithm());
        assertThat(authorize(authorizer, after.accessToken())).isEqualTo("merchant01");
        assertThat(authorize(authorizer, before)).as("the key it replaced").isEqualTo("merchant01");
    }

    /**
     * A verify-only container that loads its keys between setSecret and finishSecret already knows the next key, so
     * it needs no reload (and could not have one: it loaded a moment ago) for the first token signed with it.
     */
    @Test
    void aVerifierLoadedMidRotationKnowsTheNextKeyBeforeAnythingSignsWithIt() throws Exception {
        MotoServer moto = MotoServer.shared();
        SigningKeyRotation rotation = new SigningKeyRotation(moto.secretsManager(), gk.clock,
                KeyRetention.forGatekeeperTokens(KeyRetention.DEFAULT_MAX_KEYS), SigningAlgorithm.RS256,
                gk.publicSecretArn);
        String version = moto.startRotation(gk.secretArn);
        rotation.rotate("createSecret", gk.secretArn, version);
        rotation.rotate("setSecret", gk.secretArn, version);
        TokenAuthorizerHandler authorizer = new TokenAuthorizerHandler(gk.verifyingWith(LocalDynamoDb.shared().client()));
        String before = newMerchantToken();
        assertThat(kidOf(before)).as("still signing with the old key").isEqualTo(TestKeys.FIRST.kid());
        assertThat(authorize(authorizer, before)).isEqualTo("merchant01");

        rotation.rotate("testSecret", gk.secretArn, version);
        rotation.rotate("finishSecret", gk.secretArn, version);
        var freshSigner = gk.gatekeeperWith(LocalDynamoDb.shared().client());
        String after = new Response(new RequestTokenHandler(freshSigner).handleRequest(ApiEvents.post("/tokens")
                .apiKey(MERCHANT_KEY).json("{\"scopes\":[\"admin\"],\"expiresIn\":3600}").build(),
                new TestLambdaContext("RequestTokenFunction"))).accessToken();

        assertThat(kidOf(after)).isNotEqualTo(TestKeys.FIRST.kid());
        assertThat(authorize(authorizer, after)).isEqualTo("merchant01");
    }

    private static String authorize(TokenAuthorizerHandler authorizer, String token) {
        return authorizer.handleRequest(AuthorizerEvents.request().bearer(token).build(),
                new TestLambdaContext("TokenAuthorizerFunction")).getPrincipalId();
    }

    /** Not NOT_YET_VALID: nimbus checks nbf but not iat, so an offline verifier is only as strict as it is told to be. */
    @ParameterizedTest
    @EnumSource(value = ForgedToken.class, mode = EnumSource.Mode.EXCLUDE, names = "NOT_YET_VALID")
    void theStandardVerifierRefusesTheForgeriesOurOwnChecksRefuse(ForgedToken forgery) throws Exception {
        DefaultJWTProcessor<SecurityContext> resourceServer = verifierUsing(new ImmutableJWKSet<>(fetchJwks()));
        String forged = forgery.from(newMerchantToken(), gk.clock.instant());

        assertThatThrownBy(() -> resourceServer.process(forged, null))
                .isInstanceOfAny(BadJOSEException.class, ParseException.class, JOSEException.class);
    }
}
