package dev.gatekeeper.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.gatekeeper.core.error.ErrorCode;
import dev.gatekeeper.core.error.GatekeeperException;
import dev.gatekeeper.core.keys.SigningKeySet;
import dev.gatekeeper.core.keys.SigningKeys;
import dev.gatekeeper.core.organisation.AccessType;
import dev.gatekeeper.core.organisation.OrganisationId;
import dev.gatekeeper.core.token.AccessTokenClaims;
import dev.gatekeeper.core.token.JwtAccessTokenSigner;
import dev.gatekeeper.core.token.JwtAccessTokenVerifier;
import dev.gatekeeper.core.token.TokenId;
import dev.gatekeeper.core.token.TokenRecord;
import dev.gatekeeper.core.token.TokenSettings;
import dev.gatekeeper.testing.ForgedToken;
import dev.gatekeeper.testing.TestKeys;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class JwtAccessTokenVerifierTest {
    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
    private static final TokenSettings SETTINGS = TokenSettings.gatekeeperDefaults("https://issuer.test", List.of("gatekeeper"));

    private final AtomicReference<SigningKeySet> stored = new AtomicReference<>(TestKeys.only(TestKeys.FIRST));
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final SigningKeys keys = new SigningKeys(stored::get, clock, Duration.ofMinutes(5), Duration.ZERO);
    private final JwtAccessTokenSigner signer = new JwtAccessTokenSigner(keys, SETTINGS, new java.security.SecureRandom());
    private final JwtAccessTokenVerifier verifier = new JwtAccessTokenVerifier(keys, SETTINGS, clock);

    private static TokenRecord record(Instant created, Instant expires, String kid) {
        return new TokenRecord(new TokenId("3fe40be4-8139-4bcc-a6fc-9fc6df927b31"), new OrganisationId("merchant01"),
                new OrganisationId("partner001"), AccessType.CR, AccessType.BN, new OrganisationId("partner001"),
                List.of("openbanking_pisp", "admin"), true, false, created, expires, 0, null, false, null, kid);
    }

    private String validToken() {
        return signer.sign(record(NOW.minusSeconds(5), NOW.plusSeconds(60), TestKeys.FIRST.kid()));
    }

    @Test
    void aSignedTokenVerifiesWithEveryClaimIntact() {
        AccessTokenClaims claims = verifier.verify(validToken());
        assertThat(claims.tokenId().value()).isEqualTo("3fe40be4-8139-4bcc-a6fc-9fc6df927b31");
        assertThat(claims.organisation().value()).isEqualTo("merchant01");
        assertThat(claims.requestingOrganisation().value()).isEqualTo("partner001");
        assertThat(claims.accessType()).isEqualTo(AccessType.CR);
        assertThat(claims.scopes()).containsExactly("openbanking_pisp", "admin");
        assertThat(claims.ipFiltering()).isTrue();
        assertThat(claims.expiresAt()).isEqualTo(NOW.plusSeconds(60));
    }

    @Test
    void theHeaderNamesTheKeyAndPinsRs256() throws Exception {
        SignedJWT jwt = SignedJWT.parse(validToken());
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        assertThat(jwt.getHeader().getKeyID()).isEqualTo(TestKeys.FIRST.kid());
        assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo("https://issuer.test");
        assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly("gatekeeper");
        assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("merchant01");
    }

    @Test
    void anExpiredTokenIsRefused() {
        String token = signer.sign(record(NOW.minusSeconds(60), NOW, TestKeys.FIRST.kid()));
        assertInvalid(token);
    }

    @Test
    void aTokenIssuedInTheFutureIsRefused() {
        assertInvalid(signer.sign(record(NOW.plusSeconds(60), NOW.plusSeconds(120), TestKeys.FIRST.kid())));
    }

    @Test
    void anUnsignedAlgNoneTokenIsRefused() throws Exception {
        JWTClaimsSet claims = SignedJWT.parse(validToken()).getJWTClaimsSet();
        assertInvalid(new PlainJWT(new PlainHeader(), claims).serialize());
        // and the same with a forged "alg":"none" header on a signed-looking token
        String[] parts = validToken().split("\\.");
        String noneHeader = Base64URL.encode("{\"alg\":\"none\",\"kid\":\"" + TestKeys.FIRST.kid() + "\"}").toString();
        assertInvalid(noneHeader + "." + parts[1] + ".");
    }

    @Test
    void hs256SignedWithThePublicKeyAsSecretIsRefused() throws Exception {
        JWTClaimsSet claims = SignedJWT.parse(validToken()).getJWTClaimsSet();
        byte[] publicKeyAsSecret = TestKeys.FIRST.privateJwk().toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(TestKeys.FIRST.kid()).build(), claims);
        forged.sign(new MACSigner(publicKeyAsSecret));
        assertInvalid(forged.serialize());
    }

    @Test
    void aTamperedPayloadIsRefused() throws Exception {
        String[] parts = validToken().split("\\.");
        String payload = new String(Base64URL.from(parts[1]).decode(), StandardCharsets.UTF_8).replace("merchant01", "merchant02");
        assertInvalid(parts[0] + "." + Base64URL.encode(payload) + "." + parts[2]);
    }

    @Test
    void aTokenSignedWithAnUnknownKeyIsRefused() throws Exception {
        JWTClaimsSet claims = SignedJWT.parse(validToken()).getJWTClaimsSet();
        SignedJWT foreign = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("unknown-kid").type(JOSEObjectType.JWT).build(), claims);
        foreign.sign(new RSASSASigner((RSAKey) TestKeys.SECOND.privateJwk()));
        assertInvalid(foreign.serialize());
    }

    @Test
    void aForeignKeyClaimingOurKidIsRefused() throws Exception {
        JWTClaimsSet claims = SignedJWT.parse(validToken()).getJWTClaimsSet();
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(TestKeys.FIRST.kid()).build(), claims);
        forged.sign(new RSASSASigner((RSAKey) TestKeys.SECOND.privateJwk()));
        assertInvalid(forged.serialize());
    }

    @Test
    void wrongIssuerOrAudienceIsRefused() {
        var otherIssuer = new JwtAccessTokenSigner(keys, TokenSettings.gatekeeperDefaults("https://evil.test", List.of("gatekeeper")), new java.security.SecureRandom());
        var otherAudience = new JwtAccessTokenSigner(keys, TokenSettings.gatekeeperDefaults("https://issuer.test", List.of("payments")), new java.security.SecureRandom());
        TokenRecord record = record(NOW.minusSeconds(5), NOW.plusSeconds(60), TestKeys.FIRST.kid());
        assertInvalid(otherIssuer.sign(record));
        assertInvalid(otherAudience.sign(record));
    }

    @Test
    void anUnknownKidTriggersOneReloadSoTokensOfANewKeyVerify() {
        String oldToken = validToken();
        stored.set(TestKeys.rotated()); // another container rotated; this one still caches FIRST only
        TokenRecord underNewKey = record(NOW.minusSeconds(5), NOW.plusSeconds(60), TestKeys.SECOND.kid());
        SigningKeys otherContainer = new SigningKeys(stored::get, clock, Duration.ofMinutes(5), Duration.ZERO);
        String newToken = new JwtAccessTokenSigner(otherContainer, SETTINGS, new java.security.SecureRandom()).sign(underNewKey);

        assertThat(verifier.verify(newToken).tokenId().value()).isEqualTo("3fe40be4-8139-4bcc-a6fc-9fc6df927b31");
        assertThat(verifier.verify(oldToken)).isNotNull();
    }

    @Test
    void anExpiredOrForeignTokenIsRefusedBeforeTheKeysAreEvenLoaded() throws Exception {
        AtomicInteger loads = new AtomicInteger();
        SigningKeys coldKeys = new SigningKeys(() -> {
            loads.incrementAndGet();
            return stored.get();
        }, clock, Duration.ofMinutes(5), Duration.ZERO);
        JwtAccessTokenVerifier coldVerifier = new JwtAccessTokenVerifier(coldKeys, SETTINGS, clock);
        JWTClaimsSet expired = SignedJWT.parse(signer.sign(record(NOW.minusSeconds(60), NOW, TestKeys.FIRST.kid())))
                .getJWTClaimsSet();
        SignedJWT unknownKid = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("unknown-kid").build(), expired);
        unknownKid.sign(new RSASSASigner((RSAKey) TestKeys.SECOND.privateJwk()));
        var otherIssuer = new JwtAccessTokenSigner(keys, TokenSettings.gatekeeperDefaults("https://evil.test", List.of("gatekeeper")), new java.security.SecureRandom());

        assertThat(coldVerifier.verifyOrExplain(unknownKid.serialize())).isEmpty();
        assertThat(coldVerifier.verifyOrExplain(otherIssuer.sign(record(NOW.minusSeconds(5), NOW.plusSeconds(60), TestKeys.FIRST.kid()))))
                .isEmpty();
        assertThat(loads).hasValue(0);
    }

    @Test
    void theVerifiedClaimsCarryTheIssuerAndEveryAudience() {
        var twoAudiences = new JwtAccessTokenSigner(keys, TokenSettings.gatekeeperDefaults("https://issuer.test", List.of("gatekeeper", "payments")), new java.security.SecureRandom());
        AccessTokenClaims claims = verifier.verify(twoAudiences.sign(record(NOW.minusSeconds(5), NOW.plusSeconds(60), TestKeys.FIRST.kid())));
        assertThat(claims.issuer()).isEqualTo("https://issuer.test");
        assertThat(claims.audience()).containsExactly("gatekeeper", "payments");
    }

    @Test
    void garbageIsRefusedWithoutAnException() {
        assertThat(verifier.verifyOrExplain("not-a-jwt")).isEmpty();
        assertThat(verifier.verifyOrExplain("a.b.c")).isEmpty();
        assertThat(verifier.verifyOrExplain("")).isEmpty();
    }

    @Test
    void claimsMissingTheOrganisationAreRefused() throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("https://issuer.test").audience("gatekeeper")
                .jwtID("3fe40be4-8139-4bcc-a6fc-9fc6df927b31").issueTime(Date.from(NOW)).expirationTime(Date.from(NOW.plusSeconds(60)))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(TestKeys.FIRST.kid()).build(), claims);
        jwt.sign(new RSASSASigner((RSAKey) TestKeys.FIRST.privateJwk()));
        assertInvalid(jwt.serialize());
    }

    private void assertInvalid(String token) {
        assertThatThrownBy(() -> verifier.verify(token))
                .isInstanceOfSatisfying(GatekeeperException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED));
    }

    // --- ES256, and sets that mix it with RS256 (after a switch of algorithm) ---

    /** The set after a switch RS256 to ES256 and one rotation: the EC key signs, the RSA key still verifies. */
    private final SigningKeySet switched = new SigningKeySet(TestKeys.EC_FIRST, List.of(TestKeys.FIRST));

    private String signedUnder(SigningKeySet set, String kid) {
        stored.set(set);
        return signer.sign(record(NOW.minusSeconds(5), NOW.plusSeconds(60), kid));
    }

    @Test
    void anEcKeySignsEs256AndAMixedSetVerifiesTokensOfBothAlgorithms() throws Exception {
        String es256 = signedUnder(switched, TestKeys.EC_FIRST.kid());
        String rs256 = signedUnder(switched, TestKeys.FIRST.kid());

        assertThat(SignedJWT.parse(es256).getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(SignedJWT.parse(es256).getHeader().getKeyID()).isEqualTo(TestKeys.EC_FIRST.kid());
        assertThat(SignedJWT.parse(rs256).getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        assertThat(verifier.verify(es256).tokenId().value()).isEqualTo("3fe40be4-8139-4bcc-a6fc-9fc6df927b31");
        assertThat(verifier.verify(rs256).tokenId().value()).isEqualTo("3fe40be4-8139-4bcc-a6fc-9fc6df927b31");
    }

    @Test
    void aHeaderAlgorithmOtherThanTheKeysOwnIsRefused() throws Exception {
        JWTClaimsSet claims = SignedJWT.parse(signedUnder(switched, TestKeys.EC_FIRST.kid())).getJWTClaimsSet();
        String ecKid = TestKeys.EC_FIRST.kid();
        String rsaKid = TestKeys.FIRST.kid();
        byte[] ecPublicKeyAsSecret = TestKeys.EC_FIRST.publicJwk().toJSONString().getBytes(StandardCharsets.UTF_8);
        String noneHeader = Base64URL.encode("{\"alg\":\"none\",\"kid\":\"" + ecKid + "\"}").toString();

        // RS256 under the EC key's kid, signed with an RSA key (even one of ours: the previous key).
        assertInvalid(ForgedToken.signed(claims, JWSAlgorithm.RS256, ecKid, new RSASSASigner((RSAKey) TestKeys.FIRST.privateJwk())));
        // ES256 under the RSA key's kid, signed with an EC key (even one of ours: the current key).
        assertInvalid(ForgedToken.signed(claims, JWSAlgorithm.ES256, rsaKid, new ECDSASigner((ECKey) TestKeys.EC_FIRST.privateJwk())));
        // HS256 with the EC public key (as the JWKS publishes it) as the HMAC secret.
        assertInvalid(ForgedToken.signed(claims, JWSAlgorithm.HS256, ecKid, new MACSigner(ecPublicKeyAsSecret)));
        // alg none under the EC kid.
        assertInvalid(noneHeader + "." + claims.toPayload().toBase64URL() + ".");
        // ES384, an algorithm the service never signs with, under the EC kid.
        assertInvalid(ForgedToken.signed(claims, JWSAlgorithm.ES384, ecKid,
                new ECDSASigner(new ECKeyGenerator(Curve.P_384).generate())));
        // ES256 under our EC kid, signed with an EC key we never had.
        assertInvalid(ForgedToken.signed(claims, JWSAlgorithm.ES256, ecKid, new ECDSASigner((ECKey) TestKeys.EC_SECOND.privateJwk())));
        // The real thing still passes, so the refusals above are about the forgeries, not the claims.
        assertThat(verifier.verifyOrExplain(ForgedToken.signed(claims, JWSAlgorithm.ES256, ecKid,
                new ECDSASigner((ECKey) TestKeys.EC_FIRST.privateJwk())))).isPresent();
    }
}
