package dev.gatekeeper.core.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.gatekeeper.testing.TestKeys;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What a stored key set may hold: RSA keys for RS256, EC P-256 keys for ES256, each saying so, and nothing else. */
class SigningKeySetJsonTest {

    private static String keySet(String currentKid, List<Map<String, Object>> keys) {
        return JSONObjectUtils.toJSONString(Map.of("current", currentKid, "keys", keys));
    }

    @Test
    void generatedKeysFollowTheAlgorithmAndCarryIt() {
        SigningKey rsa = SigningKeySetJson.generateKey(SigningAlgorithm.RS256, Instant.parse("2026-11-24T10:00:00Z"));
        SigningKey ec = SigningKeySetJson.generateKey(SigningAlgorithm.ES256, Instant.parse("2026-11-24T10:00:00Z"));

        assertThat(rsa.algorithm()).isEqualTo(SigningAlgorithm.RS256);
        assertThat(rsa.privateJwk().size()).isEqualTo(2048);
        assertThat(rsa.privateJwk().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        assertThat(ec.algorithm()).isEqualTo(SigningAlgorithm.ES256);
        assertThat(((ECKey) ec.privateJwk()).getCurve()).isEqualTo(Curve.P_256);
        assertThat(ec.privateJwk().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(ec.kid()).startsWith("2026-11-24-").isNotEqualTo(rsa.kid());
    }

    @Test
    void aMixedSetKeepsEachKeysAlgorithmThroughFormatAndParse() {
        SigningKeySet mixed = new SigningKeySet(TestKeys.EC_FIRST, List.of(TestKeys.FIRST));

        SigningKeySet read = SigningKeySetJson.parse(SigningKeySetJson.format(mixed));

        assertThat(read.current()).isEqualTo(TestKeys.EC_FIRST);
        assertThat(read.current().algorithm()).isEqualTo(SigningAlgorithm.ES256);
        assertThat(read.previous()).containsExactly(TestKeys.FIRST);
        assertThat(read.find(TestKeys.FIRST.kid()).orElseThrow().algorithm()).isEqualTo(SigningAlgorithm.RS256);
    }

    @Test
    void whenPreviousKeysStoppedSigningSurvivesFormatAndParse() {
        SigningKeySet keys = new SigningKeySet(TestKeys.EC_FIRST, List.of(TestKeys.SECOND, TestKeys.FIRST),
                Map.of(TestKeys.SECOND.kid(), Instant.parse("2026-11-24T10:00:00Z"),
                        TestKeys.FIRST.kid(), Instant.parse("2026-10-25T10:00:00.123Z"),
                        TestKeys.EC_FIRST.kid(), Instant.parse("2026-12-01T00:00:00Z")));

        SigningKeySet read = SigningKeySetJson.parse(SigningKeySetJson.format(keys));

        assertThat(read.all()).containsExactly(TestKeys.EC_FIRST, TestKeys.SECOND, TestKeys.FIRST);
        assertThat(read.signedUntil()).as("the current key has none").containsExactly(
                Map.entry(TestKeys.SECOND.kid(), Instant.parse("2026-11-24T10:00:00Z")),
                Map.entry(TestKeys.FIRST.kid(), Instant.parse("2026-10-25T10:00:00.123Z")));
    }

    /** Secrets written before the field existed: their previous keys have no record, and the set reads as before. */
    @Test
    void aKeySetWithoutSignedUntilStillReads() {
        SigningKeySet read = SigningKeySetJson.parse(keySet(TestKeys.SECOND.kid(),
                List.of(TestKeys.SECOND.privateJwk().toJSONObject(), TestKeys.FIRST.privateJwk().toJSONObject())));

        assertThat(read.previous()).containsExactly(TestKeys.FIRST);
        assertThat(read.signedUntil(TestKeys.FIRST.kid())).isEmpty();
        assertThat(SigningKeySetJson.format(read)).doesNotContain("signedUntil");
    }

    @Test
    void aSignedUntilThatIsNotATimeIsRefused() {
        for (Object end : List.of("last Tuesday", 1_764_000_000)) {
            String json = JSONObjectUtils.toJSONString(Map.of("current", TestKeys.SECOND.kid(),
                    "keys", List.of(TestKeys.SECOND.privateJwk().toJSONObject(), TestKeys.FIRST.privateJwk().toJSONObject()),
                    "signedUntil", Map.of(TestKeys.FIRST.kid(), end)));

            assertThatThrownBy(() -> SigningKeySetJson.parse(json)).as(String.valueOf(end))
                    .isInstanceOf(InvalidSigningKeysException.class);
        }
    }

    /** What a verify-only function reads is unchanged: the public halves carry no record, old readers parse it. */
    @Test
    void thePublicKeySetOfASetWithRecordsHasTheFormatItHadBefore() throws Exception {
        SigningKeySet keys = new SigningKeySet(TestKeys.SECOND, List.of(TestKeys.FIRST),
                Map.of(TestKeys.FIRST.kid(), Instant.parse("2026-11-24T10:00:00Z")));

        String published = VerificationKeySetJson.format(keys.verificationKeys());

        assertThat(JSONObjectUtils.parse(published)).containsOnlyKeys("current", "keys");
        assertThat(VerificationKeySetJson.parse(published)).isEqualTo(TestKeys.rotated().verificationKeys());
    }

    @Test
    void anRsaKeyStoredWithoutAlgIsReadAsRs256SoExistingSecretsStayValid() {
        Map<String, Object> withoutAlg = TestKeys.FIRST.privateJwk().toJSONObject();
        withoutAlg.remove("alg");

        SigningKeySet read = SigningKeySetJson.parse(keySet(TestKeys.FIRST.kid(), List.of(withoutAlg)));

        assertThat(read.current().algorithm()).isEqualTo(SigningAlgorithm.RS256);
    }

    static Stream<Arguments> refusedKeys() throws Exception {
        Map<String, Object> rsaClaimingEs256 = TestKeys.FIRST.privateJwk().toJSONObject();
        rsaClaimingEs256.put("alg", "ES256");
        Map<String, Object> rsaClaimingPs256 = TestKeys.FIRST.privateJwk().toJSONObject();
        rsaClaimingPs256.put("alg", "PS256");
        Map<String, Object> ecClaimingRs256 = TestKeys.EC_FIRST.privateJwk().toJSONObject();
        ecClaimingRs256.put("alg", "RS256");
        Map<String, Object> ecWithoutAlg = TestKeys.EC_FIRST.privateJwk().toJSONObject();
        ecWithoutAlg.remove("alg");
        return Stream.of(
                Arguments.of("an RSA key claiming ES256", rsaClaimingEs256, "RSA key"),
                Arguments.of("an RSA key claiming PS256", rsaClaimingPs256, "RSA key"),
                Arguments.of("an EC key claiming RS256", ecClaimingRs256, "must say ES256"),
                Arguments.of("an EC key without alg", ecWithoutAlg, "must say ES256"),
                Arguments.of("an EC key on P-384", new ECKeyGenerator(Curve.P_384).keyID("p384")
                        .algorithm(JWSAlgorithm.ES384).generate().toJSONObject(), "only P-256"),
                Arguments.of("an EC key on P-521", new ECKeyGenerator(Curve.P_521).keyID("p521")
                        .algorithm(JWSAlgorithm.ES512).generate().toJSONObject(), "only P-256"),
                Arguments.of("an Ed25519 key", JSONObjectUtils.parse("{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"ed\","
                        + "\"alg\":\"EdDSA\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\","
                        + "\"d\":\"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A\"}"), "only RSA (RS256) and EC P-256"),
                Arguments.of("an HMAC secret", new OctetSequenceKeyGenerator(256).keyID("hmac")
                        .algorithm(JWSAlgorithm.HS256).generate().toJSONObject(), "only RSA (RS256) and EC P-256"),
                Arguments.of("a public EC key only", TestKeys.EC_FIRST.publicJwk().toJSONObject(), "not a private key"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedKeys")
    void anyOtherKeyTypeCurveOrAlgIsRefusedWithoutQuotingKeyMaterial(String what, Map<String, Object> key,
                                                                      String reason) {
        String kid = (String) key.get("kid");

        assertThatThrownBy(() -> SigningKeySetJson.parse(keySet(kid, List.of(key))))
                .isInstanceOf(InvalidSigningKeysException.class)
                .hasMessageContaining(reason)
                .satisfies(e -> {
                    for (Object value : key.values()) {
                        if (!value.equals(kid) && String.valueOf(value).length() > 16) {
                            assertThat(e.getMessage()).as("key material in the message").doesNotContain(String.valueOf(value));
                        }
                    }
                });
    }

    @Test
    void theConfiguredAlgorithmIsExactlyOneOfTheNamesOrTheDefaultWhenUnset() {
        assertThat(SigningAlgorithm.configured("SIGNING_ALGORITHM", null)).isEqualTo(SigningAlgorithm.RS256);
        assertThat(SigningAlgorithm.configured("SIGNING_ALGORITHM", "")).isEqualTo(SigningAlgorithm.RS256);
        assertThat(SigningAlgorithm.configured("SIGNING_ALGORITHM", "RS256")).isEqualTo(SigningAlgorithm.RS256);
        assertThat(SigningAlgorithm.configured("SIGNING_ALGORITHM", "ES256")).isEqualTo(SigningAlgorithm.ES256);
        for (String invalid : List.of("HS256", "rs256 ", "es256", "none", "ES384", " ")) {
            assertThatThrownBy(() -> SigningAlgorithm.configured("SIGNING_ALGORITHM", invalid))
                    .as(invalid).isInstanceOf(IllegalStateException.class)
                    .hasMessage("SIGNING_ALGORITHM must be one of RS256, ES256, not \"" + invalid + "\"");
        }
    }

    @Test
    void aSigningKeyNamesItsKidAndAlgorithmButNeverItsKeyMaterial() {
        JWK jwk = TestKeys.EC_FIRST.privateJwk();

        assertThat(TestKeys.EC_FIRST.toString()).isEqualTo("SigningKey[" + TestKeys.EC_FIRST.kid() + ", ES256]")
                .doesNotContain(((ECKey) jwk).getD().toString());
    }
}
