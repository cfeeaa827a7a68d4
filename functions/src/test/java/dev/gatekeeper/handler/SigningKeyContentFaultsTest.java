package dev.gatekeeper.handler;

import static dev.gatekeeper.handler.DynamoDbFaultsTest.assertServiceUnavailable;
import static dev.gatekeeper.handler.DynamoDbFaultsTest.introspect;
import static dev.gatekeeper.handler.DynamoDbFaultsTest.issue;
import static dev.gatekeeper.testing.GatekeeperFixture.MERCHANT_KEY;
import static dev.gatekeeper.testing.GatekeeperFixture.PARTNER_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.SignedJWT;
import dev.gatekeeper.api.AuthorizerEndpoint;
import dev.gatekeeper.core.keys.SigningKeySetJson;
import dev.gatekeeper.core.keys.VerificationKeySetJson;
import dev.gatekeeper.core.organisation.OrganisationId;
import dev.gatekeeper.testing.ApiEvents;
import dev.gatekeeper.testing.AuthorizerEvents;
import dev.gatekeeper.testing.GatekeeperFixture;
import dev.gatekeeper.testing.GatekeeperFixture.Response;
import dev.gatekeeper.testing.MotoServer;
import dev.gatekeeper.testing.TestKeys;
import dev.gatekeeper.testing.TestLambdaContext;
import java.text.ParseException;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the signing-key secret holds decides whether the service signs at all, and what the public key secret holds
 * whether the verify-only functions verify: anything but a usable key set at {@code AWSCURRENT} fails closed with 503
 * and nothing is issued or stored; a rotation that never finished signs with nothing new.
 */
class SigningKeyContentFaultsTest {
    /** Outlives the key cache period the tests move the clock past (the default lifetime is 10 s). */
    private static final String LONG_LIVED = "{\"scopes\":[\"admin\"],\"expiresIn\":3600}";

    private final GatekeeperFixture gk = GatekeeperFixture.create();

    static Stream<Arguments> unusableKeySets() throws JOSEException {
        String rsa = JSONObjectUtils.toJSONString(TestKeys.SECOND.privateJwk().toJSONObject());
        String publicRsa = JSONObjectUtils.toJSONString(TestKeys.SECOND.privateJwk().toPublicJWK().toJSONObject());
        String ec = JSONObjectUtils.toJSONString(new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate().toJSONObject());
        String ecP384 = JSONObjectUtils.toJSONString(new ECKeyGenerator(Curve.P_384).keyID("ec-2")
                .algorithm(com.nimbusds.jose.JWSAlgorithm.ES384).generate().toJSONObject());
        Map<String, Object> rsaClaimingEs256 = TestKeys.SECOND.privateJwk().toJSONObject();
        rsaClaimingEs256.put("alg", "ES256");
        String kid = TestKeys.SECOND.kid();
        return Stream.of(
                Arguments.of("malformed JSON", "{\"current\": \"" + kid + "\", \"keys\": ["),
                Arguments.of("not a key set", "[\"" + kid + "\"]"),
                Arguments.of("an EC key without alg ES256", "{\"current\":\"ec-1\",\"keys\":[" + ec + "]}"),
                Arguments.of("an EC key on P-384 (ES384)", "{\"current\":\"ec-2\",\"keys\":[" + ecP384 + "]}"),
                Arguments.of("an RSA key claiming ES256", "{\"current\":\"" + kid + "\",\"keys\":["
                        + JSONObjectUtils.toJSONString(rsaClaimingEs256) + "]}"),
                Arguments.of("a public RSA key only", "{\"current\":\"" + kid + "\",\"keys\":[" + publicRsa + "]}"),
                Arguments.of("no current key named", "{\"keys\":[" + rsa + "]}"),
                Arguments.of("current names a missing key", "{\"current\":\"gone\",\"keys\":[" + rsa + "]}"),
                Arguments.of("no keys", "{\"current\":\"" + kid + "\",\"keys\":[]}"),
                Arguments.of("the CloudFormation placeholder", "{\"placeholder\":\"replaced by the first rotation\"}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unusableKeySets")
    void anUnusableKeySetFailsClosedWithServiceUnavailableAndIssuesNothing(String what, String secretValue) {
        putCurrent(secretValue);

        Response issued = gk.invoke(RequestTokenHandler::new, issue(MERCHANT_KEY));

        assertServiceUnavailable(issued);
        assertThat(issued.body().get("returnDescription").asText()).isEqualTo("Signing keys are unavailable");
        assertThat(gk.gatekeeper.tokenStore().listForOrganisation(new OrganisationId("merchant01"), 10)).isEmpty();
    }

    static Stream<Arguments> unusablePublicKeySets() throws JOSEException {
        String publicEc = JSONObjectUtils.toJSONString(new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate()
                .toPublicJWK().toJSONObject());
        String kid = TestKeys.SECOND.kid();
        return Stream.of(
                Arguments.of("the private key set (the signing key secret named by mistake)",
                        SigningKeySetJson.format(TestKeys.only(TestKeys.SECOND))),
                Arguments.of("a private EC key among public ones", "{\"current\":\"" + kid + "\",\"keys\":["
                        + JSONObjectUtils.toJSONString(TestKeys.SECOND.publicJwk().toJSONObject()) + ","
                        + JSONObjectUtils.toJSONString(TestKeys.EC_FIRST.privateJwk().toJSONObject()) + "]}"),
                Arguments.of("malformed JSON", "{\"current\": \"" + kid + "\", \"keys\": ["),
                Arguments.of("an EC key without alg ES256", "{\"current\":\"ec-1\",\"keys\":[" + publicEc + "]}"),
                Arguments.of("current names a missing key", "{\"current\":\"gone\",\"keys\":["
                        + JSONObjectUtils.toJSONString(TestKeys.SECOND.publicJwk().toJSONObject()) + "]}"),
                Arguments.of("the CloudFormation placeholder", "{\"placeholder\":\"replaced by the first rotation\"}"));
    }

    /**
     * The verify-only functions read only the public key secret. Anything there but public keys fails them closed,
     * and a private key above all: it means the wiring is wrong, and the function must not hold it, let alone use it.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("unusablePublicKeySets")
    void anUnusablePublicKeySetFailsTheVerifyOnlyFunctionsClosedWithoutQuotingIt(String what, String secretValue) {
        Response issued = gk.requestToken(MERCHANT_KEY, LONG_LIVED);
        putPublic(secretValue);

        Response jwks = gk.invoke(JwksHandler::new, ApiEvents.get("/.well-known/jwks.json").build());
        Response introspected = gk.invoke(IntrospectTokenHandler::new, introspect(PARTNER_KEY, issued.accessToken()));

        for (Response response : List.of(jwks, introspected)) {
            assertServiceUnavailable(response);
            assertThat(response.raw().getBody()).doesNotContain(privateExponentOfTheStoredKey());
        }
        assertThatThrownBy(() -> new TokenAuthorizerHandler(gk.verifying).handleRequest(
                AuthorizerEvents.request().bearer(issued.accessToken()).build(), new TestLambdaContext("authorizer")))
                .isInstanceOf(AuthorizerEndpoint.Unavailable.class);
        assertThat(gk.invoke(RequestTokenHandler::new, issue(MERCHANT_KEY)).status())
                .as("the signing functions read their own secret").isEqualTo(201);
    }

    /** A private parameter of the keys the tests above store, which no response may ever carry. */
    private static String privateExponentOfTheStoredKey() {
        return ((com.nimbusds.jose.jwk.RSAKey) TestKeys.SECOND.privateJwk()).getPrivateExponent().toString();
    }

    /**
     * Invalid content at {@code AWSCURRENT} while valid keys are cached: the service fails closed rather than keep
     * the cached keys. {@code AWSCURRENT} is the operators' statement of which keys are trusted; when it no longer
     * says, the service cannot tell a broken write from a withdrawn key, and a compromised key must stop verifying
     * within one cache period. An outage (no answer at all) is different: the cached keys stay in use (see
     * SecretsManagerFaultsTest). Fixing the secret brings the service back on the next request, without a restart.
     */
    @Test
    void invalidKeysAppearingOnAReloadFailClosedEvenWithValidKeysCachedAndAFixedSecretRecoversOnTheNextRequest() {
        Response before = gk.requestToken(MERCHANT_KEY, LONG_LIVED);
        assertThat(gk.invoke(IntrospectTokenHandler::new, introspect(PARTNER_KEY, before.accessToken()))
                .body().get("active").asBoolean()).as("the public keys are cached").isTrue();
        putCurrent("{\"current\": \"broken");
        putPublic("{\"current\": \"broken");
        gk.clock.advance(gk.gatekeeper.signingKeys().maxAge().plusSeconds(1));

        assertServiceUnavailable(gk.invoke(RequestTokenHandler::new, issue(MERCHANT_KEY)));
        assertServiceUnavailable(gk.invoke(IntrospectTokenHandler::new, introspect(PARTNER_KEY, before.accessToken())));

        gk.storeKeys(TestKeys.only(TestKeys.FIRST));

        assertThat(gk.invoke(RequestTokenHandler::new, issue(MERCHANT_KEY)).status()).isEqualTo(201);
        assertThat(gk.invoke(IntrospectTokenHandler::new, introspect(PARTNER_KEY, before.accessToken()))
                .body().get("active").asBoolean()).isTrue();
    }

    /**
     * A rotation stuck half-way: the new key set was written as {@code AWSPENDING} and its public halves published
     * (setSecret ran), but {@code AWSCURRENT} never moved (finishSecret did not run). The signing functions read
     * {@code AWSCURRENT} only, so they keep signing with the old current key; the verify-only functions already know
     * the next key, which signs nothing yet, and still verify every token of the old one.
     */
    @Test
    void aRotationStuckHalfWayKeepsSigningWithTheCurrentKeyWhileTheNextOneIsAlreadyKnown() throws ParseException {
        Response before = gk.requestToken(MERCHANT_KEY, LONG_LIVED);
        MotoServer.shared().secretsManager().putSecretValue(request -> request.secretId(gk.secretArn)
                .secretString(SigningKeySetJson.format(TestKeys.rotated()))
                .versionStages("AWSPENDING"));
        putPublic(VerificationKeySetJson.format(TestKeys.rotated().verificationKeys()));
        gk.clock.advance(gk.gatekeeper.signingKeys().maxAge().plusSeconds(1));

        Response after = gk.requestToken(MERCHANT_KEY, LONG_LIVED);
        Response jwks = gk.invoke(JwksHandler::new, ApiEvents.get("/.well-known/jwks.json").build());

        assertThat(kid(after.accessToken())).isEqualTo(TestKeys.FIRST.kid());
        assertThat(jwks.body().get("keys").findValuesAsText("kid"))
                .containsExactly(TestKeys.SECOND.kid(), TestKeys.FIRST.kid());
        for (Response token : List.of(before, after)) {
            assertThat(gk.invoke(IntrospectTokenHandler::new, introspect(PARTNER_KEY, token.accessToken()))
                    .body().get("active").asBoolean()).isTrue();
        }
    }

    private void putCurrent(String value) {
        MotoServer.shared().secretsManager().putSecretValue(request -> request.secretId(gk.secretArn)
                .secretString(value));
    }

    private void putPublic(String value) {
        MotoServer.shared().secretsManager().putSecretValue(request -> request.secretId(gk.publicSecretArn)
                .secretString(value));
    }

    private static String kid(String jwt) throws ParseException {
        return SignedJWT.parse(jwt).getHeader().getKeyID();
    }

}
