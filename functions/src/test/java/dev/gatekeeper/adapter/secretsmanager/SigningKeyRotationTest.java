package dev.gatekeeper.adapter.secretsmanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.SignedJWT;
import dev.gatekeeper.core.keys.SigningKey;
import dev.gatekeeper.core.keys.InvalidSigningKeysException;
import dev.gatekeeper.core.keys.KeyRetention;
import dev.gatekeeper.core.keys.PublicKeys;
import dev.gatekeeper.core.keys.SigningAlgorithm;
import dev.gatekeeper.core.keys.SigningKeySet;
import dev.gatekeeper.core.keys.SigningKeySetJson;
import dev.gatekeeper.core.keys.SigningKeys;
import dev.gatekeeper.core.keys.VerificationKey;
import dev.gatekeeper.core.keys.VerificationKeySet;
import dev.gatekeeper.core.keys.VerificationKeySetJson;
import dev.gatekeeper.core.organisation.AccessType;
import dev.gatekeeper.core.organisation.OrganisationId;
import dev.gatekeeper.core.token.JwtAccessTokenSigner;
import dev.gatekeeper.core.token.JwtAccessTokenVerifier;
import dev.gatekeeper.core.token.TokenId;
import dev.gatekeeper.core.token.TokenRecord;
import dev.gatekeeper.core.token.TokenSettings;
import dev.gatekeeper.testing.MotoServer;
import dev.gatekeeper.testing.MutableClock;
import dev.gatekeeper.testing.TestKeys;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

class SigningKeyRotationTest {
    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final TokenSettings SETTINGS = TokenSettings.gatekeeperDefaults("https://issuer.test", List.of("gatekeeper"));
    private static final KeyRetention RETENTION = KeyRetention.forGatekeeperTokens(KeyRetention.DEFAULT_MAX_KEYS);
    private static final String PLACEHOLDER = "Xq7#vL0p!generated-by-cloudformation";
    private static final List<String> STEPS = List.of("createSecret", "setSecret", "testSecret", "finishSecret");

    private final MotoServer moto = MotoServer.shared();
    private final SecretsManagerClient secretsManager = moto.secretsManager();
    /** The public key secret of this test's rotations: CloudFormation's placeholder until a setSecret writes it. */
    private final String publicSecret = moto.createSecret(PLACEHOLDER);
    private final SigningKeyRotation rotation = rotation(SigningAlgorithm.RS256);

    private SigningKeyRotation rotation(SigningAlgorithm algorithm) {
        return new SigningKeyRotation(secretsManager, CLOCK, RETENTION, algorithm, publicSecret);
    }

    /** Plays Secrets Manager: starts a rotation and invokes every step, as it invokes the rotation function. */
    private String rotateFully(SigningKeyRotation rotation, String secret) {
        String token = moto.startRotation(secret);
        STEPS.forEach(step -> rotation.rotate(step, secret, token));
        return token;
    }

    private SigningKeySet currentKeys(String secret) {
        return new SecretsManagerSigningKeySource(secretsManager, secret).load();
    }

    private Map<String, List<String>> stagesOf(String secret) {
        return secretsManager.describeSecret(request -> request.secretId(secret)).versionIdsToStages();
    }

    private String pendingValue(String secret, String token) {
        return secretsManager.getSecretValue(request -> request.secretId(secret).versionId(token)
                .versionStage("AWSPENDING")).secretString();
    }

    private boolean isPending(String secret, String token) {
        return stagesOf(secret).getOrDefault(token, List.of()).contains("AWSPENDING");
    }

    private void putPending(String secret, String token, String value) {
        secretsManager.putSecretValue(request -> request.secretId(secret).clientRequestToken(token)
                .secretString(value).versionStages("AWSPENDING"));
    }

    /** A fresh container: nothing cached, keys read from the secret on first use. */
    private SigningKeys keysFromSecret(String secret) {
        return keysFromSecret(secret, CLOCK);
    }

    private SigningKeys keysFromSecret(String secret, Clock clock) {
        return new SigningKeys(new SecretsManagerSigningKeySource(secretsManager, secret), clock,
                Duration.ofMinutes(5), Duration.ofSeconds(30));
    }

    private static TokenRecord token(String kid) {
        return token(kid, NOW, 600);
    }

    private static TokenRecord token(String kid, Instant issuedAt, int expiresIn) {
        return new TokenRecord(new TokenId(UUID.randomUUID().toString()), new OrganisationId("merchant01"),
                new OrganisationId("partner001"), AccessType.CR, AccessType.BN, new OrganisationId("partner001"),
                List.of("openbanking_pisp"), false, false, issuedAt.minusSeconds(5), issuedAt.plusSeconds(expiresIn), 0,
                null, false, null, kid);
    }

    @Test
    void aFirstRotationReplacesThePlaceholderWithOneFreshRsaKey() {
        String secret = moto.createSecret(PLACEHOLDER);

        String token = rotateFully(rotation, secret);

        SigningKeySet keys = currentKeys(secret);
        assertThat(keys.all()).hasSize(1);
        assertThat(keys.current().algorithm()).isEqualTo(SigningAlgorithm.RS256);
        assertThat(keys.current().privateJwk().isPrivate()).isTrue();
        assertThat(keys.current().privateJwk().size()).isEqualTo(2048);
        assertThat(keys.current().kid()).startsWith("2026-11-24-");
        assertThat(stagesOf(secret).get(token)).contains("AWSCURRENT");
    }

    @Test
    void aSecondRotationSignsWithANewKeyAndTokensSignedWithTheOldKeyStillVerify() throws Exception {
        String secret = moto.createSecret(PLACEHOLDER);
        rotateFully(rotation, secret);
        String firstKid = currentKeys(secret).current().kid();
        JwtAccessTokenSigner signerBefore = new JwtAccessTokenSigner(keysFromSecret(secret), SETTINGS, new java.security.SecureRandom());
        String signedBefore = signerBefore.sign(token(signerBefore.currentKeyId()));

        rotateFully(rotation, secret);

        SigningKeySet keys = currentKeys(secret);
        assertThat(keys.current().kid()).isNotEqualTo(firstKid);
        assertThat(keys.previous()).extracting(SigningKey::kid).containsExactly(firstKid);
        SigningKeys afterRotation = keysFromSecret(secret);
        JwtAccessTokenVerifier verifier = new JwtAccessTokenVerifier(afterRotation, SETTINGS, CLOCK);
        assertThat(verifier.verifyOrExplain(signedBefore)).isPresent();
        JwtAccessTokenSigner signerAfter = new JwtAccessTokenSigner(afterRotation, SETTINGS, new java.security.SecureRandom());
        String signedAfter = signerAfter.sign(token(signerAfter.currentKeyId()));
        assertThat(SignedJWT.parse(signedAfter).getHeader().getKeyID()).isEqualTo(keys.current().kid());
        assertThat(verifier.verifyOrExplain(signedAfter)).isPresent();
    }

    /**
     * The finding this guards against: a token issued with the longest expiresIn the day before a rotation stopped
     * verifying two rotations later, when a count of three keys dropped its key. Now the key stays through a year of
     * monthly rotations, in the private set and the public one, and goes at the first rotation after the token (and
     * the grace) expired.
     */
    @Test
    void aKeyStaysThroughEveryRotationUntilTheLongestLivedTokenItSignedHasExpired() {
        MutableClock clock = new MutableClock(NOW);
        SigningKeyRotation monthly = new SigningKeyRotation(secretsManager, clock, RETENTION, SigningAlgorithm.ES256,
                publicSecret);
        String secret = moto.createSigningKeySecret(TestKeys.only(TestKeys.EC_FIRST));
        secretsManager.putSecretValue(request -> request.secretId(publicSecret)
                .secretString(VerificationKeySetJson.format(TestKeys.only(TestKeys.EC_FIRST).verificationKeys())));
        clock.advance(Duration.ofDays(29));
        String longest = new JwtAccessTokenSigner(keysFromSecret(secret, clock), SETTINGS, new java.security.SecureRandom())
                .sign(token(TestKeys.EC_FIRST.kid(), clock.instant(), TokenSettings.GATEKEEPER_MAX_EXPIRES_IN));
        clock.advance(Duration.ofDays(1));

        rotateFully(monthly, secret); // day 30: the key that signed it stops signing
        for (int rotation = 2; rotation <= 13; rotation++) {
            clock.advance(Duration.ofDays(30));
            rotateFully(monthly, secret);
        }
        clock.advance(Duration.ofDays(3)); // day 393: the token lives until day 394.24

        assertThat(currentKeys(secret).find(TestKeys.EC_FIRST.kid())).contains(TestKeys.EC_FIRST);
        assertThat(currentKeys(secret).all()).hasSize(RETENTION.keysOnSchedule(Duration.ofDays(30))).hasSize(14);
        assertThat(publishedKeys()).isEqualTo(currentKeys(secret).verificationKeys());
        assertThat(new JwtAccessTokenVerifier(keysFromSecret(secret, clock), SETTINGS, clock).verifyOrExplain(longest))
                .as("with the private set").isPresent();
        assertThat(new JwtAccessTokenVerifier(new PublicKeys(new SecretsManagerPublicKeySource(secretsManager,
                publicSecret), clock, Duration.ofMinutes(5), Duration.ofSeconds(30)), SETTINGS, clock)
                .verifyOrExplain(longest)).as("with the public set, as the authorizer").isPresent();

        clock.advance(Duration.ofDays(4)); // day 397: past the token's expiry, and the key's day of grace after it
        rotateFully(monthly, secret);

        assertThat(currentKeys(secret).find(TestKeys.EC_FIRST.kid())).isEmpty();
        assertThat(publishedKeys().find(TestKeys.EC_FIRST.kid())).isEmpty();
        assertThat(currentKeys(secret).all()).hasSize(14);
    }

    @Test
    void aRotationRecordsWhenTheReplacedKeyStoppedSigningAndKeepsEarlierRecords() {
        Instant earlier = NOW.minus(Duration.ofDays(30));
        String secret = moto.createSigningKeySecret(new SigningKeySet(TestKeys.SECOND, List.of(TestKeys.FIRST),
                Map.of(TestKeys.FIRST.kid(), earlier)));

        rotateFully(rotation, secret);

        assertThat(currentKeys(secret).previous()).containsExactly(TestKeys.SECOND, TestKeys.FIRST);
        assertThat(currentKeys(secret).signedUntil())
                .containsExactly(Map.entry(TestKeys.SECOND.kid(), NOW), Map.entry(TestKeys.FIRST.kid(), earlier));
    }

    /** Secrets written before ends of signing were recorded: their keys are kept as if they had signed until now. */
    @Test
    void aKeySetWithoutRecordsKeepsEveryKeyAndRecordsThemAsSigningUntilTheRotation() {
        String secret = moto.createSigningKeySecret(TestKeys.rotated());

        rotateFully(rotation, secret);

        assertThat(currentKeys(secret).previous()).containsExactly(TestKeys.SECOND, TestKeys.FIRST);
        assertThat(currentKeys(secret).signedUntil())
                .containsExactly(Map.entry(TestKeys.SECOND.kid(), NOW), Map.entry(TestKeys.FIRST.kid(), NOW));
    }

    @Test
    void aRotationThatWouldHoldMoreKeysThanAllowedFailsAndChangesNothing() {
        String secret = moto.createSigningKeySecret(TestKeys.rotated());
        SigningKeyRotation atMostTwo = new SigningKeyRotation(secretsManager, CLOCK,
                KeyRetention.forGatekeeperTokens(2), SigningAlgorithm.RS256, publicSecret);
        String token = moto.startRotation(secret);

        assertThatThrownBy(() -> atMostTwo.rotate("createSecret", secret, token))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("would need 3 keys, more than the 2 a key set may hold");
        assertThat(currentKeys(secret).all()).containsExactly(TestKeys.SECOND, TestKeys.FIRST);
        assertThatThrownBy(() -> atMostTwo.rotate("testSecret", secret, token)).as("nothing pending")
                .hasMessageContaining("no key set");
    }

    @Test
    void createSecretRunTwiceWithTheSameTokenStoresOneKeySet() {
        String secret = moto.createSigningKeySecret(TestKeys.only(TestKeys.FIRST));
        String token = moto.startRotation(secret);

        rotation.rotate("createSecret", secret, token);
        String first = pendingValue(secret, token);
        rotation.rotate("createSecret", secret, token);

        assertThat(pendingValue(secret, token)).isEqualTo(first);
        assertThat(SigningKeySetJson.parse(first).previous()).containsExactly(TestKeys.FIRST);
    }

    @Test
    void createSecretLeavesTheCurrentVersionUntouched() {
        String secret = moto.createSigningKeySecret(TestKeys.only(TestKeys.FIRST));
        String token = moto.startRotation(secret);

        rotation.rotate("createSecret", secret, token);

        assertThat(currentKeys(secret).all()).containsExactly(TestKeys.FIRST);
        assertThat(stagesOf(secret).get(token)).containsExactly("AWSPENDING");
    }

    @Test
    void testSecretRejectsAPendingVersionThatIsNotAKeySet() {
        String secret = moto.createSigningKeySecret(TestKeys.only(TestKeys.FIRST));
        String token = moto.startRotation(secret);
        putPending(secret, token, "{\"current\": \"corrupted\", \"keys\": []}");

        assertThatThrownBy(() -> rotation.rotate("testSecret", secret, token))
                .isInstanceOf(InvalidSigningKeysException.class);
    }

    /**
     * A pending set that drops the key in use, or keeps signing with it, records no end of signing for it: it could
     * never become current, and is abandoned so that the next rotation writes a fresh one.
     */
    @Test
    void testSecretAbandonsAPendingSetThatDropsOrKeepsSigningWithTheKeyInUse() {
        for (SigningKeySet pending : List.of(TestKeys.only(TestKeys.SECOND), TestKeys.only(TestKeys.FIRST))) {
            String secret = moto.createSigningKeySecret(TestKeys.only(TestKeys.FIRST));
            String token = moto.startRotation(secret);
            putPending(secret, token, SigningKeySetJson.format(pending));

            assertThatThrownBy(() -> rotation.rotate("testSecret", secret, token))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("records nothing as the end of signing of current key " + TestKeys.FIRST.kid());
            assertThat(isPending(secret, token)).isFalse();
            assertThat(currentKeys(secret).all()).containsExactly(TestKeys.FIRST);
        }
    }

    /**
     * The finding this guards against: a rotation whose steps failed after createSecret left its pending version,
     * and Secrets Manager retries that same version. Finished 20 days later, it would record the replaced key as
     * signing until the day createSecret ran, though it signed (year-long tokens) for 20 more days, and a later
     * rotation would drop it 19 days too early. Whichever step meets it abandons it instead; the next rotation
     * records the real end of signing.
     */
    @Test
    void aPendingSetFinishedLongAfterItWasWrittenIsAbandonedAndTheNextRotationRecordsTheRealEndOfSigning() {
        for (String step : STEPS) {
            MutableClock clock = new MutableClock(NOW);
            SigningKeyRotation late = new SigningKeyRotation(secretsManager, clock, RETENTION, SigningAlgorithm.RS256,
                    publicSecret);
            String secret = moto.createSigningKeySecret(TestKeys.only(TestKeys.FIRST));
            String token = moto.startRotation(secret);
            late.rotate("createSecret", secret, token);
            late.rotate("setSecret", secret, token); // published; then testSecret failed, say
            clock.advance(Duration.ofDays(20));

            assertThatThrownBy(() -> late.rotate(step, secret, token)).as(step)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("records " + NOW + " as the end of signing of current key "
                            + TestKeys.FIRST.kid())
                    .hasMessageContaining("abandoned");
            assertThat(isPending(secret, token)).as(step).isFalse();
            assertThat(currentKeys(secret).all()).as(step).containsExactly(TestKeys.FIRST);
            assertThatThrownBy(() -> late.rotate("createSecret", secret, token)).as("a retry after " + step)
                    .hasMessageContaining("not staged AWSPENDING");

            rotateFully(late, secret);

            assertThat(currentKeys(secret).previous()).as(step).containsExactly(TestKeys.FIRST);
            assertThat(currentKeys(secret).signedUntil(TestKeys.FIRST.kid())).as(step)
                    .contains(NOW.plus(Duration.ofDays(20)));
            assertThat(publishedKeys()).as(step).isEqualTo(currentKeys(secret).verificationKeys());
        }
    }

    @Test
    void aPendingSetFinishedWithinTwelveHoursOfCreateSecretBecomesCurrent() {
        MutableClock clock = new MutableClock(NOW);
        SigningKeyRotation slow = new SigningKeyRotation(secretsManager, clock, RETENTION, SigningAlgorithm.RS256,
                publicSecret);
        String secret = moto.createSigningKeySecret(TestKeys.only(TestKeys.FIRST));
        String token = moto.startRotation(secret);
        slow.rotate("createSecret", secret, token);
        clock.advance(KeyRetention.PENDING_MAX_AGE);

        STEPS.forEach(step -> slow.rotate(step, secret, token));

        assertThat(stagesOf(secret).get(token)).contains("AWSCURRENT");
        assertThat(currentKeys(secret).signedUntil(TestKeys.FIRST.kid())).contains(NOW);
    }

    /**
     * A pending version written before ends of signing were recorded, left by a failed rotation when this version
     * is deployed: Secrets Manager's retry starts with createSecret, which abandons it rather than reuse it, so the
     * rotation after that one succeeds without a hand on it.
     */
    @Test
    void aPendingSetWrittenBeforeEndsOfSigningWereRecordedIsAbandonedAndTheNextRotationSucceeds() {
        String secret = moto.createSigningKeySecret(TestKeys.only(TestKeys.FIRST));
        String token = moto.startRotation(secret);
        putPending(secret, token, SigningKeySetJson.format(TestKeys.rotated()));

        assertThatThrownBy(() -> rotation.rotate("createSecret", secret, token))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("records nothing as the end of signing of current key " + TestKeys.FIRST.kid());
        assertThat(isPending(secret, token)).isFalse();

        rotateFully(rotation, secret);

        assertThat(currentKeys(secret).previous()).containsExactly(TestKeys.FIRST);
        assertThat(currentKeys(secret).signedUntil(TestKeys.FIRST.kid())).contains(NOW);
    }

    @Test
    void testSecretRejectsAPendingSetThatDropsAKeyStoppedSigningLessThanAYearAgo() {
        SigningKeySet before = new SigningKeySet(TestKeys.EC_FIRST, List.of(TestKeys.SECOND, TestKeys.FIRST),
                Map.of(TestKeys.SECOND.kid(), NOW.minus(Duration.ofDays(30)),
                        TestKeys.FIRST.kid(), NOW.minus(Duration.ofDays(360))));
        String secret = moto.createSigningKeySecret(before);
        String token = moto.startRotation(secret);
        putPending(secret, token, SigningKeySetJson.format(new SigningKeySet(TestKeys.EC_SECOND,
                List.of(TestKeys.EC_FIRST, TestKeys.SECOND),
                Map.of(TestKeys.EC_FIRST.kid(), NOW, TestKeys.SECOND.kid(), NOW.minus(Duration.ofDays(30))))));

        assertThatThrownBy(() -> rotation.rotate("testSecret", secret, token))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("dropped key " + TestKeys.FIRST.kid());
    }

    /** Signing with a previous key again is not a rotation, even with the key in use recorded as replaced. */
    @Test
    void testSecretRejectsAPendingSetThatSignsWithAKeyOfTheCurrentSet() {
        String secret = moto.createSigningKeySecret(TestKeys.rotated());
        String token = moto.startRotation(secret);
        putPending(secret, token, SigningKeySetJson.format(new SigningKeySet(TestKeys.FIRST, List.of(TestKeys.SECOND),
                Map.of(TestKeys.SECOND.kid(), NOW))));

        assertThatThrownBy(() -> rotation.rotate("testSecret", secret, token))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not sign with a new key");
    }

    @Test
    void testSecretBeforeCreateSecretFails() {
        String secret = moto.createSigningKeySecret(TestKeys.only(TestKeys.FIRST));
        String token = moto.startRotation(secret);

        assertThatThrownBy(() -> rotation.rotate("testSecret", secret, token))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no key set");
    }

    @Test
    void everyStepRetriedAfterFinishSecretChangesNothing() {
        String secret = moto.createSecret(PLACEHOLDER);
        String token = rotateFully(rotation, secret);
        SigningKeySet finished = currentKeys(secret);
        Map<String, List<String>> stages = stagesOf(secret);

        STEPS.forEach(step -> rotation.rotate(step, secret, token));

        assertThat(currentKeys(secret).all()).isEqualTo(finished.all());
        assertThat(stagesOf(secret)).isEqualTo(stages);
    }

    @Test
    void aStepForASecretWithoutRotationEnabledFails() {
        String secret = moto.createSigningKeySecret(TestKeys.only(TestKeys.FIRST));

        assertThatThrownBy(() -> rotation.rotate("createSecret", secret, UUID.randomUUID().toString()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("rotation is not enabled");
    }

    @Test
    void aStepForAVersionTheSecretDoesNotHaveFails() {
        String secret = moto.createSigningKeySecret(TestKeys.only(TestKeys.FIRST));
        moto.startRotation(secret);

        assertThatThrownBy(() -> rotation.rotate("createSecret", secret, UUID.randomUUID().toString()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has no version");
    }

    @Test
    void aStepForAVersionThatIsNotPendingFails() {
        String secret = moto.createSecret(PLACEHOLDER);
        String placeholderVersion = secretsManager.getSecretValue(request -> request.secretId(secret)
                .versionStage("AWSCURRENT")).versionId();
        rotateFully(rotation, secret);

        assertThatThrownBy(() -> rotation.rotate("createSecret", secret, placeholderVersion))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not staged AWSPENDING");
    }

    @Test
    void anUnknownStepFails() {
        String secret = moto.createSigningKeySecret(TestKeys.only(TestKeys.FIRST));
        String token = moto.startRotation(secret);

        assertThatThrownBy(() -> rotation.rotate("shredSecret", secret, token))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shredSecret");
    }

    private VerificationKeySet publishedKeys() {
        return new SecretsManagerPublicKeySource(secretsManager, publicSecret).load();
    }

    private String publishedValue() {
        return secretsManager.getSecretValue(request -> request.secretId(publicSecret).versionStage("AWSCURRENT"))
                .secretString();
    }

    /** The members of every key the public key secret holds, as stored. */
    private List<Set<String>> publishedMembers() throws ParseException {
        List<Set<String>> members = new java.util.ArrayList<>();
        for (Object key : JSONObjectUtils.getJSONArray(JSONObjectUtils.parse(publishedValue()), "keys")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> jwk = (Map<String, Object>) key;
            members.add(jwk.keySet());
        }
        return members;
    }

    /**
     * Step by step: createSecret publishes nothing; setSecret publishes the pending set's public halves while the
     * old key still signs (so the verifiers know the new key before any token carries it, and the old key stays);
     * testSecret and finishSecret leave them; afterwards the public set is the current private set minus its
     * private parameters.
     */
    @Test
    void thePublicKeySetHoldsThePendingKeysBeforeTheyBecomeCurrentAndMatchesThePrivateSetAfterwards() {
        String secret = moto.createSigningKeySecret(TestKeys.only(TestKeys.FIRST));
        secretsManager.putSecretValue(request -> request.secretId(publicSecret)
                .secretString(VerificationKeySetJson.format(TestKeys.only(TestKeys.FIRST).verificationKeys())));
        String token = moto.startRotation(secret);

        rotation.rotate("createSecret", secret, token);
        assertThat(publishedKeys()).as("after createSecret").isEqualTo(TestKeys.only(TestKeys.FIRST).verificationKeys());

        rotation.rotate("setSecret", secret, token);
        SigningKeySet pending = SigningKeySetJson.parse(pendingValue(secret, token));
        assertThat(publishedKeys()).as("after setSecret").isEqualTo(pending.verificationKeys());
        assertThat(publishedKeys().all()).extracting(VerificationKey::kid)
                .containsExactly(pending.current().kid(), TestKeys.FIRST.kid());
        assertThat(currentKeys(secret).current()).as("still signing with").isEqualTo(TestKeys.FIRST);

        rotation.rotate("testSecret", secret, token);
        assertThat(publishedKeys()).as("after testSecret").isEqualTo(pending.verificationKeys());

        rotation.rotate("finishSecret", secret, token);
        assertThat(currentKeys(secret).current().kid()).isEqualTo(pending.current().kid());
        assertThat(publishedKeys()).as("after finishSecret").isEqualTo(currentKeys(secret).verificationKeys());
    }

    @Test
    void aFirstRotationPublishesOverThePlaceholderOfThePublicKeySecretToo() {
        String secret = moto.createSecret(PLACEHOLDER);

        rotateFully(rotation, secret);

        assertThat(publishedKeys()).isEqualTo(currentKeys(secret).verificationKeys());
        assertThat(publishedKeys().all()).hasSize(1);
    }

    /** RS256 then ES256 then RS256 again: three keys of both types, none with a private member in the public set. */
    @Test
    void thePublicKeySetNeverHoldsAPrivateParameterOfAnRsaOrEcKey() throws ParseException {
        String secret = moto.createSecret(PLACEHOLDER);
        rotateFully(rotation, secret);
        rotateFully(rotation(SigningAlgorithm.ES256), secret);
        rotateFully(rotation, secret);

        assertThat(currentKeys(secret).all()).extracting(SigningKey::algorithm)
                .containsExactly(SigningAlgorithm.RS256, SigningAlgorithm.ES256, SigningAlgorithm.RS256);
        assertThat(publishedKeys()).isEqualTo(currentKeys(secret).verificationKeys());
        assertThat(publishedMembers()).containsExactly(
                Set.of("kty", "kid", "use", "alg", "n", "e"),
                Set.of("kty", "kid", "use", "alg", "crv", "x", "y"),
                Set.of("kty", "kid", "use", "alg", "n", "e"));
        assertThat(publishedMembers()).allSatisfy(members -> assertThat(members)
                .doesNotContainAnyElementsOf(List.of("d", "p", "q", "dp", "dq", "qi", "oth")));
    }

    @Test
    void testSecretRefusesToFinishWhileThePublicKeySetLacksThePendingKeys() {
        String secret = moto.createSigningKeySecret(TestKeys.only(TestKeys.FIRST));
        String token = moto.startRotation(secret);
        rotation.rotate("createSecret", secret, token);

        assertThatThrownBy(() -> rotation.rotate("testSecret", secret, token))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the public key secret does not hold the public keys of version " + token);

        rotation.rotate("setSecret", secret, token);
        secretsManager.putSecretValue(request -> request.secretId(publicSecret)
                .secretString(VerificationKeySetJson.format(TestKeys.only(TestKeys.FIRST).verificationKeys())));
        assertThatThrownBy(() -> rotation.rotate("testSecret", secret, token))
                .as("changed since setSecret")
                .isInstanceOf(IllegalStateException.class);
        assertThat(currentKeys(secret).all()).containsExactly(TestKeys.FIRST);
    }

    /**
     * A pending version that would break the verify-only functions never reaches the public key secret they trust:
     * setSecret checks it as testSecret does, and a failing testSecret could not take it back out.
     */
    @Test
    void setSecretRefusesAPendingSetTestSecretWouldRejectAndLeavesThePublicKeySetAsItWas() {
        // Each records no end of signing for the key in use, so it is abandoned (further reasons: testSecret's tests)
        String abandoned = "records nothing as the end of signing of current key " + TestKeys.FIRST.kid();
        Map<String, SigningKeySet> malformed = Map.of(
                "it dropped the key", TestKeys.only(TestKeys.SECOND),
                "it still signs with it", TestKeys.only(TestKeys.FIRST),
                "it records no end of signing", TestKeys.rotated());
        malformed.forEach((reason, pending) -> {
            String secret = moto.createSigningKeySecret(TestKeys.only(TestKeys.FIRST));
            String before = VerificationKeySetJson.format(TestKeys.only(TestKeys.FIRST).verificationKeys());
            secretsManager.putSecretValue(request -> request.secretId(publicSecret).secretString(before));
            String token = moto.startRotation(secret);
            putPending(secret, token, SigningKeySetJson.format(pending));

            assertThatThrownBy(() -> rotation.rotate("setSecret", secret, token)).as(reason)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(abandoned);
            assertThat(isPending(secret, token)).as(reason).isFalse();
            assertThat(publishedValue()).as(reason).isEqualTo(before);
        });
    }

    @Test
    void setSecretRunTwiceWritesThePublicKeySetOnce() {
        String secret = moto.createSigningKeySecret(TestKeys.only(TestKeys.FIRST));
        String token = moto.startRotation(secret);
        rotation.rotate("createSecret", secret, token);

        rotation.rotate("setSecret", secret, token);
        String version = secretsManager.getSecretValue(request -> request.secretId(publicSecret)).versionId();
        rotation.rotate("setSecret", secret, token);

        assertThat(secretsManager.getSecretValue(request -> request.secretId(publicSecret)).versionId())
                .isEqualTo(version);
        assertThat(publishedKeys()).isEqualTo(SigningKeySetJson.parse(pendingValue(secret, token)).verificationKeys());
    }

    @Test
    void setSecretWithoutAPublicKeySecretFailsSoTheRotationNeverFinishes() {
        String secret = moto.createSigningKeySecret(TestKeys.only(TestKeys.FIRST));
        String token = moto.startRotation(secret);
        SigningKeyRotation withoutPublicSecret = new SigningKeyRotation(secretsManager, CLOCK, RETENTION,
                SigningAlgorithm.RS256, MotoServer.uniqueName("no-such-public-secret"));
        withoutPublicSecret.rotate("createSecret", secret, token);

        assertThatThrownBy(() -> withoutPublicSecret.rotate("setSecret", secret, token)).isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> withoutPublicSecret.rotate("testSecret", secret, token))
                .isInstanceOf(IllegalStateException.class);
        assertThat(currentKeys(secret).all()).containsExactly(TestKeys.FIRST);
    }
}
