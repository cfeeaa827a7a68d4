package dev.gatekeeper.core.keys;

import dev.gatekeeper.core.token.TokenSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which keys a rotation keeps: the new current key, and every previous key that may have signed a token still live.
 * A key is kept for {@link #afterSigning()} after it stopped signing (the longest token lifetime plus
 * {@link #SIGNING_GRACE}), whatever the number of rotations since, so a token issued with the longest
 * {@code expiresIn} just before a rotation verifies until it expires. The set stays bounded: on a schedule of one
 * rotation every {@code d} days it holds at most {@link #keysOnSchedule} keys, a schedule is accepted only with room
 * for {@link #EXTRA_ROTATIONS} more, and a rotation that would need more than {@link #maxKeys()} is refused rather
 * than drop a key in use.
 *
 * @param afterSigning how long a key stays once it stopped signing
 * @param maxKeys      the most keys a set may hold (current included)
 */
public record KeyRetention(Duration afterSigning, int maxKeys) {
    /**
     * Added to the token lifetime. A key's end of signing is recorded when the rotation that replaces it starts
     * (createSecret), but functions keep signing with it until that rotation finishes and their key cache
     * ({@code SIGNING_KEY_CACHE_SECONDS}, 300 s by default) reloads. A day covers both: the rotation refuses to finish
     * a pending set recorded more than {@link #PENDING_MAX_AGE} before, and the cache must stay shorter than the rest.
     */
    public static final Duration SIGNING_GRACE = Duration.ofDays(1);
    /**
     * How long after createSecret recorded the replaced key's end of signing a pending set may still become current.
     * A failed rotation leaves its pending version behind, and Secrets Manager starts no other rotation while it is
     * there but retries that version, possibly days later: finishing it then would record the key as stopped long
     * before it did, and drop it that much too early.
     */
    public static final Duration PENDING_MAX_AGE = Duration.ofHours(12);
    /**
     * Secrets Manager rotates at a random hour of the day a rotation is due, so two scheduled rotations may be up to
     * this much closer than the schedule's interval.
     */
    public static final Duration SCHEDULE_JITTER = Duration.ofDays(1);
    /**
     * Rotations on top of the schedule a key set must have room for within a key's retention: a manual rotation, or
     * the one CloudFormation starts when the rotation schedule changes ({@code RotateImmediatelyOnUpdate}).
     */
    public static final int EXTRA_ROTATIONS = 4;
    /**
     * Thirty RSA 2048 private keys take about 51 KB, within a Secrets Manager value (64 KB); a 30-day schedule needs
     * 14 of them, leaving room for extra rotations.
     */
    public static final int DEFAULT_MAX_KEYS = 30;

    public KeyRetention {
        Objects.requireNonNull(afterSigning, "afterSigning");
        if (afterSigning.isNegative() || afterSigning.isZero()) {
            throw new IllegalArgumentException("afterSigning must be positive");
        }
        if (maxKeys < 2) {
            // With one key, a rotation would drop the key that signed every token still in circulation.
            throw new IllegalArgumentException("maxKeys must be at least 2 (the new key and the one it replaces)");
        }
    }

    /** For the tokens Gatekeeper issues, which live at most {@link TokenSettings#GATEKEEPER_MAX_EXPIRES_IN}. */
    public static KeyRetention forGatekeeperTokens(int maxKeys) {
        return forTokensLivingAtMost(Duration.ofSeconds(TokenSettings.GATEKEEPER_MAX_EXPIRES_IN), maxKeys);
    }

    /** Keeps keys until no token of at most {@code maxTokenLifetime} they signed can be live. */
    public static KeyRetention forTokensLivingAtMost(Duration maxTokenLifetime, int maxKeys) {
        return new KeyRetention(maxTokenLifetime.plus(SIGNING_GRACE), maxKeys);
    }

    /**
     * The set after a rotation at {@code now}: {@code next} signs, the key it replaces is recorded as signing until
     * {@code now}, and each previous key stays while {@link #stillVerifies} says so. A key whose end of signing is
     * not recorded (a set written before it was) is taken to have signed until now, the latest it can have.
     *
     * @param existing the set before the rotation; null when there is none (the first rotation)
     * @throws IllegalStateException if the keys still needed and {@code next} are more than {@link #maxKeys()}
     */
    public SigningKeySet rotate(SigningKeySet existing, SigningKey next, Instant now) {
        List<SigningKey> kept = new ArrayList<>();
        Map<String, Instant> signedUntil = new LinkedHashMap<>();
        if (existing != null) {
            for (SigningKey key : existing.all()) {
                if (stillVerifies(existing, key, now)) {
                    kept.add(key);
                    signedUntil.put(key.kid(), existing.signedUntil(key.kid()).orElse(now));
                }
            }
        }
        if (kept.size() + 1 > maxKeys) {
            throw new IllegalStateException("a rotation now would need " + (kept.size() + 1) + " keys, more than the "
                    + maxKeys + " a key set may hold: each previous key may still have signed a live token (the oldest"
                    + " stopped signing at " + signedUntil.values().stream().min(Instant::compareTo).orElse(now)
                    + " and is kept until " + afterSigning + " after that); rotate later, or remove a key by hand");
        }
        return new SigningKeySet(next, kept, signedUntil);
    }

    /**
     * Whether a key of {@code set} may still verify a live token at {@code now}: the current key, a key whose end of
     * signing is unknown, or one that stopped less than {@link #afterSigning()} ago.
     */
    public boolean stillVerifies(SigningKeySet set, SigningKey key, Instant now) {
        if (key.kid().equals(set.current().kid())) {
            return true;
        }
        return set.signedUntil(key.kid()).map(end -> end.plus(afterSigning).isAfter(now)).orElse(true);
    }

    /**
     * Whether {@code pending}, made to replace {@code current}, may still become current at {@code now}: it records
     * the end of signing of {@code current}'s signing key, no longer than {@link #PENDING_MAX_AGE} ago. A pending set
     * recording none (made from another set, or before ends of signing were recorded) cannot.
     */
    public boolean mayBecomeCurrent(SigningKeySet current, SigningKeySet pending, Instant now) {
        return pending.signedUntil(current.current().kid())
                .filter(end -> !end.isBefore(now.minus(PENDING_MAX_AGE)))
                .isPresent();
    }

    /**
     * The most keys a set holds when it rotates on a schedule of {@code interval} and at no other time: the new key,
     * the one it replaces, and one per earlier rotation within {@link #afterSigning()}, rotations coming as close as
     * {@code interval} less {@link #SCHEDULE_JITTER}.
     */
    public int keysOnSchedule(Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the rotation interval must be positive");
        }
        Duration shortestGap = interval.minus(SCHEDULE_JITTER);
        if (shortestGap.isNegative() || shortestGap.isZero()) {
            return Integer.MAX_VALUE; // two rotations may come moments apart: no bound
        }
        long earlier = afterSigning.dividedBy(shortestGap);
        return (int) Math.min(Integer.MAX_VALUE, earlier + 2);
    }

    /**
     * Refuses a rotation schedule whose key set, with {@link #EXTRA_ROTATIONS} on top, would outgrow
     * {@link #maxKeys()}: scheduled rotations would then start failing. Checked where the rotation is configured, so a
     * deployment says so at once.
     *
     * @throws IllegalStateException naming the interval, the keys it needs and the limit
     */
    public void checkSchedule(Duration interval) {
        int needed = keysOnSchedule(interval);
        if (needed > maxKeys - EXTRA_ROTATIONS) {
            throw new IllegalStateException("rotating every " + interval.toDays() + " days keeps up to " + needed
                    + " signing keys (each for " + afterSigning.toDays() + " days after it stops signing, as long as"
                    + " a token may live; a rotation may come a day early), and with room for " + EXTRA_ROTATIONS
                    + " extra rotations that is more than the " + maxKeys
                    + " a key set may hold: rotate less often or allow more keys");
        }
    }
}
