package dev.gatekeeper.core.keys;

import com.nimbusds.jose.jwk.JWKSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The public halves of the service's signing keys, with the same kids and the same current/previous standing as the
 * {@link SigningKeySet} they come from: what the functions that only verify tokens or publish the JWKS load. It
 * cannot sign: it holds no private key, and nothing here makes a signer.
 */
public final class VerificationKeySet {
    private final VerificationKey current;
    private final Map<String, VerificationKey> byKid;
    private final List<VerificationKey> ordered;

    public VerificationKeySet(VerificationKey current, List<VerificationKey> previous) {
        this.current = Objects.requireNonNull(current, "current");
        Map<String, VerificationKey> keys = new LinkedHashMap<>();
        keys.put(current.kid(), current);
        for (VerificationKey key : previous) {
            keys.putIfAbsent(Objects.requireNonNull(key, "previous key").kid(), key);
        }
        this.byKid = Map.copyOf(keys);
        this.ordered = List.copyOf(keys.values());
    }

    /** The key that signs new tokens now (it verifies like the others; it is named so the set says which one). */
    public VerificationKey current() {
        return current;
    }

    public Optional<VerificationKey> find(String kid) {
        return kid == null ? Optional.empty() : Optional.ofNullable(byKid.get(kid));
    }

    /** Current key first, then the previous ones, newest first. */
    public List<VerificationKey> all() {
        return ordered;
    }

    /**
     * This set without the previous key {@code kid}; the same set if it holds no such key.
     *
     * @throws IllegalArgumentException for the current key
     */
    public VerificationKeySet withoutPrevious(String kid) {
        if (current.kid().equals(kid)) {
            throw new IllegalArgumentException("key " + kid + " is the current signing key");
        }
        if (!byKid.containsKey(kid)) {
            return this;
        }
        return new VerificationKeySet(current, ordered.subList(1, ordered.size()).stream()
                .filter(key -> !key.kid().equals(kid)).toList());
    }

    /** What may be published (a JWKS): every key's public JWK, current first. */
    public JWKSet publicJwkSet() {
        return new JWKSet(ordered.stream().map(VerificationKey::publicJwk).toList());
    }

    /** Same keys, in the same order, with the same current one. */
    @Override
    public boolean equals(Object other) {
        return other instanceof VerificationKeySet that && current.equals(that.current) && ordered.equals(that.ordered);
    }

    @Override
    public int hashCode() {
        return ordered.hashCode();
    }

    @Override
    public String toString() {
        return "VerificationKeySet[current " + current.kid() + ", " + ordered.size() + " keys]";
    }
}
