package dev.gatekeeper.core.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.core.token.TokenSettings;
import dev.gatekeeper.testing.TestKeys;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyRetentionTest {
    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
    private static final KeyRetention GATEKEEPER = KeyRetention.forGatekeeperTokens(KeyRetention.DEFAULT_MAX_KEYS);
    /** The longest token Gatekeeper issues, and the day of grace. */
    private static final Duration KEPT = Duration.ofSeconds(TokenSettings.GATEKEEPER_MAX_EXPIRES_IN).plusDays(1);

    @Test
    void aGatekeeperKeyIsKeptForTheLongestTokenLifetimeAndADayAfterItStopsSigning() {
        assertThat(GATEKEEPER.afterSigning()).isEqualTo(KEPT);
    }

    @Test
    void aPreviousKeyGoesAtTheFirstRotationAfterItsTokensCanNoLongerBeLive() {
        SigningKeySet keys = new SigningKeySet(TestKeys.EC_FIRST, List.of(TestKeys.SECOND, TestKeys.FIRST),
                Map.of(TestKeys.SECOND.kid(), NOW.minus(Duration.ofDays(30)), TestKeys.FIRST.kid(), NOW.minus(KEPT)));

        SigningKeySet rotated = GATEKEEPER.rotate(keys, TestKeys.EC_SECOND, NOW);

        assertThat(rotated.all()).containsExactly(TestKeys.EC_SECOND, TestKeys.EC_FIRST, TestKeys.SECOND);
        assertThat(rotated.signedUntil()).containsExactly(Map.entry(TestKeys.EC_FIRST.kid(), NOW),
                Map.entry(TestKeys.SECOND.kid(), NOW.minus(Duration.ofDays(30))));
        SigningKeySet aSecondEarlier = GATEKEEPER.rotate(keys, TestKeys.EC_SECOND, NOW.minusSeconds(1));
        assertThat(aSecondEarlier.find(TestKeys.FIRST.kid())).as("a second before").contains(TestKeys.FIRST);
    }

    @Test
    void aKeyWithoutARecordIsKeptAsIfItSignedUntilTheRotation() {
        SigningKeySet rotated = GATEKEEPER.rotate(TestKeys.rotated(), TestKeys.EC_FIRST, NOW);

        assertThat(rotated.previous()).containsExactly(TestKeys.SECOND, TestKeys.FIRST);
        assertThat(rotated.signedUntil(TestKeys.FIRST.kid())).contains(NOW);
        assertThat(GATEKEEPER.stillVerifies(TestKeys.rotated(), TestKeys.FIRST, NOW.plus(Duration.ofDays(3650))))
                .isTrue();
    }

    @Test
    void aFirstRotationHoldsTheNewKeyAlone() {
        assertThat(GATEKEEPER.rotate(null, TestKeys.FIRST, NOW).all()).containsExactly(TestKeys.FIRST);
    }

    @Test
    void aRotationThatWouldExceedTheLimitIsRefusedNamingTheOldestKeysEnd() {
        KeyRetention atMostTwo = KeyRetention.forGatekeeperTokens(2);
        SigningKeySet keys = new SigningKeySet(TestKeys.SECOND, List.of(TestKeys.FIRST),
                Map.of(TestKeys.FIRST.kid(), NOW.minus(Duration.ofDays(30))));

        assertThatThrownBy(() -> atMostTwo.rotate(keys, TestKeys.EC_FIRST, NOW))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("would need 3 keys, more than the 2")
                .hasMessageContaining("the oldest stopped signing at " + NOW.minus(Duration.ofDays(30)));
        assertThat(atMostTwo.rotate(keys, TestKeys.EC_FIRST, NOW.minus(Duration.ofDays(30)).plus(KEPT)).all())
                .as("once the previous key's tokens are gone").containsExactly(TestKeys.EC_FIRST, TestKeys.SECOND);
    }

    /**
     * Secrets Manager rotates at a random hour of the due day, so rotations on a schedule of d days may come d - 1
     * days apart: 15 days may keep floor(366.24 / 14) + 2 = 28 keys, not 26.
     */
    @Test
    void aScheduleKeepsTheNewKeyTheOneItReplacesAndOnePerEarlierRotationADayEarlyWithinTheRetention() {
        assertThat(GATEKEEPER.keysOnSchedule(Duration.ofDays(30))).isEqualTo(14);
        assertThat(GATEKEEPER.keysOnSchedule(Duration.ofDays(16))).isEqualTo(26);
        assertThat(GATEKEEPER.keysOnSchedule(Duration.ofDays(15))).isEqualTo(28);
        assertThat(GATEKEEPER.keysOnSchedule(Duration.ofDays(400))).isEqualTo(2);
        assertThat(GATEKEEPER.keysOnSchedule(Duration.ofDays(1))).as("rotations may come moments apart")
                .isEqualTo(Integer.MAX_VALUE);
    }

    /** A schedule is accepted only with room for four rotations on top of it within a key's retention. */
    @Test
    void aScheduleIsRefusedUnlessTheKeysItKeepsLeaveRoomForExtraRotations() {
        assertThat(KeyRetention.EXTRA_ROTATIONS).isEqualTo(4);
        GATEKEEPER.checkSchedule(Duration.ofDays(16)); // 26 + 4 = 30
        assertThatThrownBy(() -> GATEKEEPER.checkSchedule(Duration.ofDays(15)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("rotating every 15 days keeps up to 28 signing keys")
                .hasMessageContaining("with room for 4 extra rotations that is more than the 30 a key set may hold");
        assertThatThrownBy(() -> GATEKEEPER.checkSchedule(Duration.ofDays(1)))
                .isInstanceOf(IllegalStateException.class);
        KeyRetention.forGatekeeperTokens(18).checkSchedule(Duration.ofDays(30)); // 14 + 4
        assertThatThrownBy(() -> KeyRetention.forGatekeeperTokens(17).checkSchedule(Duration.ofDays(30)))
                .isInstanceOf(IllegalStateException.class);
    }

    /**
     * A pending set may replace the current one only while the end of signing it records for the current key is at
     * most 12 h old: finished later, it would date that key's end too early.
     */
    @Test
    void aPendingSetMayBecomeCurrentOnlyWithinTwelveHoursOfRecordingTheCurrentKeysEndOfSigning() {
        SigningKeySet current = TestKeys.only(TestKeys.FIRST);
        SigningKeySet pending = GATEKEEPER.rotate(current, TestKeys.SECOND, NOW);

        assertThat(KeyRetention.PENDING_MAX_AGE).isEqualTo(Duration.ofHours(12));
        assertThat(GATEKEEPER.mayBecomeCurrent(current, pending, NOW)).isTrue();
        assertThat(GATEKEEPER.mayBecomeCurrent(current, pending, NOW.plus(Duration.ofHours(12)))).isTrue();
        assertThat(GATEKEEPER.mayBecomeCurrent(current, pending, NOW.plus(Duration.ofHours(12)).plusSeconds(1)))
                .isFalse();
        assertThat(GATEKEEPER.mayBecomeCurrent(current, pending, NOW.plus(Duration.ofDays(20)))).isFalse();
        assertThat(GATEKEEPER.mayBecomeCurrent(current, TestKeys.rotated(), NOW))
                .as("a pending set recording no end of signing").isFalse();
        assertThat(GATEKEEPER.mayBecomeCurrent(TestKeys.only(TestKeys.EC_FIRST), pending, NOW))
                .as("a pending set made from another current set").isFalse();
    }

    /** Sixteen monthly rotations in a row: the set grows to the bound the schedule promises, and stays there. */
    @Test
    void monthlyRotationsHoldAtMostTheKeysTheScheduleSays() {
        SigningKeySet keys = null;
        Instant at = NOW;
        List<Integer> sizes = new ArrayList<>();
        for (int rotation = 0; rotation < 16; rotation++) {
            keys = GATEKEEPER.rotate(keys, SigningKeySetJson.generateKey(SigningAlgorithm.ES256, at), at);
            sizes.add(keys.all().size());
            at = at.plus(Duration.ofDays(30));
        }
        assertThat(sizes).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 14, 14);
    }

    /** The default limit must fit a Secrets Manager value (65,536 bytes) even if every key is RSA. */
    @Test
    void theDefaultLimitOfRsaKeysFitsInOneSecretValue() {
        List<SigningKey> previous = new ArrayList<>();
        Map<String, Instant> signedUntil = new HashMap<>();
        for (int i = 1; i < KeyRetention.DEFAULT_MAX_KEYS; i++) {
            SigningKey key = SigningKeySetJson.generateKey(SigningAlgorithm.RS256, NOW);
            previous.add(key);
            signedUntil.put(key.kid(), NOW);
        }
        SigningKeySet full = new SigningKeySet(SigningKeySetJson.generateKey(SigningAlgorithm.RS256, NOW), previous,
                signedUntil);

        assertThat(SigningKeySetJson.format(full).getBytes(StandardCharsets.UTF_8).length).isLessThan(65_536);
    }

    @Test
    void fewerThanTwoKeysIsRefused() {
        assertThatThrownBy(() -> KeyRetention.forGatekeeperTokens(1)).isInstanceOf(IllegalArgumentException.class);
    }
}
