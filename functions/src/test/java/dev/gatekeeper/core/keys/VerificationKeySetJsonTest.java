package dev.gatekeeper.core.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.gatekeeper.testing.TestKeys;
import java.security.SecureRandom;
import java.text.ParseException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The public key set: the public halves of a signing key set, kids and standing kept, and never a private member. */
class VerificationKeySetJsonTest {
    private static final SigningKeySet MIXED = new SigningKeySet(TestKeys.EC_FIRST, List.of(TestKeys.SECOND, TestKeys.FIRST));

    @Test
    void thePublicSetHasTheSameKidsCurrentKeyAndAlgorithmsAsThePrivateSet() {
        VerificationKeySet read = VerificationKeySetJson.parse(VerificationKeySetJson.format(MIXED.verificationKeys()));

        assertThat(read).isEqualTo(MIXED.verificationKeys());
        assertThat(read.current().kid()).isEqualTo(TestKeys.EC_FIRST.kid());
        assertThat(read.all()).extracting(VerificationKey::kid)
                .containsExactly(TestKeys.EC_FIRST.kid(), TestKeys.SECOND.kid(), TestKeys.FIRST.kid());
        assertThat(read.all()).extracting(VerificationKey::algorithm)
                .containsExactly(SigningAlgorithm.ES256, SigningAlgorithm.RS256, SigningAlgorithm.RS256);
    }

    @Test
    void theStoredFormHoldsNoPrivateParameterOfAnRsaOrEcKey() throws ParseException {
        Map<String, Object> stored = JSONObjectUtils.parse(VerificationKeySetJson.format(MIXED.verificationKeys()));

        assertThat(stored.get("current")).isEqualTo(TestKeys.EC_FIRST.kid());
        for (Object entry : JSONObjectUtils.getJSONArray(stored, "keys")) {
            @SuppressWarnings("unchecked")
            Set<String> members = ((Map<String, Object>) entry).keySet();
            assertThat(members).doesNotContainAnyElementsOf(List.of("d", "p", "q", "dp", "dq", "qi", "oth"));
            assertThat(members).isIn(Set.of("kty", "kid", "use", "alg", "n", "e"), Set.of("kty", "kid", "use", "alg", "crv", "x", "y"));
        }
    }

    @Test
    void aPublicKeyVerifiesWhatItsPrivateKeySigned() throws JOSEException, ParseException {
        for (SigningKey key : MIXED.all()) {
            JWSObject signed = new JWSObject(new JWSHeader.Builder(key.algorithm().jwsAlgorithm()).keyID(key.kid()).build(),
                    new Payload("probe"));
            signed.sign(key.newSigner(new SecureRandom()));
            VerificationKey published = VerificationKeySetJson.parse(VerificationKeySetJson.format(MIXED.verificationKeys()))
                    .find(key.kid()).orElseThrow();

            assertThat(JWSObject.parse(signed.serialize()).verify(published.newVerifier())).as(key.kid()).isTrue();
        }
    }

    /** The private set read as the public one: what a verify-only function pointed at the wrong secret would load. */
    @Test
    void aPrivateKeyIsRefusedWithoutQuotingKeyMaterial() {
        String privateSet = SigningKeySetJson.format(MIXED);
        String rsaExponent = ((RSAKey) TestKeys.SECOND.privateJwk()).getPrivateExponent().toString();
        String ecSecret = ((ECKey) TestKeys.EC_FIRST.privateJwk()).getD().toString();

        assertThatThrownBy(() -> VerificationKeySetJson.parse(privateSet))
                .isInstanceOf(InvalidSigningKeysException.class)
                .hasMessageContaining("holds private key material")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(rsaExponent).doesNotContain(ecSecret));
        assertThatThrownBy(() -> VerificationKey.of(TestKeys.FIRST.privateJwk()))
                .isInstanceOf(InvalidSigningKeysException.class)
                .hasMessage("key " + TestKeys.FIRST.kid() + " holds private key material; a public key set must hold "
                        + "public keys only");
    }

    @Test
    void aPublicKeyUnderAnotherAlgorithmThanItsTypeIsRefused() {
        Map<String, Object> rsaClaimingEs256 = TestKeys.FIRST.publicJwk().toJSONObject();
        rsaClaimingEs256.put("alg", "ES256");
        String set = JSONObjectUtils.toJSONString(Map.of("current", TestKeys.FIRST.kid(), "keys", List.of(rsaClaimingEs256)));

        assertThatThrownBy(() -> VerificationKeySetJson.parse(set))
                .isInstanceOf(InvalidSigningKeysException.class)
                .hasMessageContaining("an RSA key signs RS256");
    }
}
