package dev.gatekeeper.core.keys;

import com.nimbusds.jose.jwk.JWKSet;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The service's signing keys: one current key that signs, and the previous keys that still verify tokens signed
 * before a rotation. Every key carries its {@code kid} and its own algorithm, so a set may mix RS256 and ES256 keys
 * (after a switch of algorithm, the new current key is EC while the previous RSA keys verify until they age out).
 *
 * <p>A previous key may carry when it stopped signing ({@link #signedUntil}), recorded by the rotation that replaced
 * it: {@link KeyRetention} keeps it until no token it signed can still be live. Sets written before this was recorded
 * carry none.
 */
public final class SigningKeySet {
    private final SigningKey current;
    private final Map<String, SigningKey> byKid;
    private final List<SigningKey> ordered;
    private final VerificationKeySet verificationKeys;
    private final Map<String, Instant> signedUntil;

    /** A set whose previous keys carry no record of when they stopped signing. */
    public SigningKeySet(SigningKey current, List<SigningKey> previous) {
        this(current, previous, Map.of());
    }

    /**
     * @param signedUntil when each previous key stopped signing, by kid; entries for the current key or for kids not
     *                    in the set are ignored
     */
    public SigningKeySet(SigningKey current, List<SigningKey> previous, Map<String, Instant> signedUntil) {
        this.current = Objects.requireNonNull(current, "current");
        Map<String, SigningKey> keys = new LinkedHashMap<>();
        keys.put(current.kid(), current);
        for (SigningKey key : previous) {
            keys.putIfAbsent(Objects.requireNonNull(key, "previous key").kid(), key);
        }
        this.byKid = Map.copyOf(keys);
        this.ordered = List.copyOf(keys.values());
        this.verificationKeys = new VerificationKeySet(current.verificationKey(),
                ordered.subList(1, ordered.size()).stream().map(SigningKey::verificationKey).toList());
        Map<String, Instant> ends = new LinkedHashMap<>();
        for (SigningKey key : previous()) {
            Instant end = signedUntil.get(key.kid());
            if (end != null) {
                ends.put(key.kid(), end);
            }
        }
        this.signedUntil = Collections.unmodifiableMap(ends);
    }

    public SigningKey current() {
        return current;
    }

    public Optional<SigningKey> find(String kid) {
        return kid == null ? Optional.empty() : Optional.ofNullable(byKid.get(kid));
    }

    /** Current key first, then the previous ones, newest first as stored. */
    public List<SigningKey> all() {
        return ordered;
    }

    public List<SigningKey> previous() {
        return ordered.subList(1, ordered.size());
    }

    /**
     * When a previous key stopped signing; empty for the current key, and for a key the set has no record of (it may
     * have signed until the set was last rotated).
     */
    public Optional<Instant> signedUntil(String kid) {
        return Optional.ofNullable(signedUntil.get(kid));
    }

    /** Every recorded end of signing, by kid, in the order of {@link #previous()}. */
    public Map<String, Instant> signedUntil() {
        return signedUntil;
    }

    /**
     * This set without the previous key {@code kid} (and its record of when it stopped signing); the same set if it
     * holds no such key. Tokens it signed stop verifying wherever the result is loaded: for a key that leaked.
     *
     * @throws IllegalArgumentException for the current key: rotate first, so that something else signs
     */
    public SigningKeySet withoutPrevious(String kid) {
        if (current.kid().equals(kid)) {
            throw new IllegalArgumentException("key " + kid + " is the current signing key");
        }
        if (!byKid.containsKey(kid)) {
            return this;
        }
        return new SigningKeySet(current, previous().stream().filter(key -> !key.kid().equals(kid)).toList(),
                signedUntil);
    }

    /**
     * The public halves of this set: same kids, same current key, no private parameter. What the public key set
     * holds, and what a signing function verifies bearer tokens with.
     */
    public VerificationKeySet verificationKeys() {
        return verificationKeys;
    }

    /** What may be published (a JWKS): every key's {@link SigningKey#publicJwk()}, current first. */
    public JWKSet publicJwkSet() {
        return verificationKeys.publicJwkSet();
    }
}
