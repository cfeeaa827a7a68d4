package dev.gatekeeper.core.keys;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The service's RSA keys: one current key that signs, and the previous keys that still verify tokens signed
 * before a rotation. Every key carries its {@code kid}.
 */
public final class SigningKeySet {
    private final RSAKey current;
    private final Map<String, RSAKey> byKid;

    public SigningKeySet(RSAKey current, List<RSAKey> previous) {
        this.current = requirePrivate(Objects.requireNonNull(current, "current"));
        Map<String, RSAKey> keys = new LinkedHashMap<>();
        keys.put(current.getKeyID(), current);
        for (RSAKey key : previous) {
            keys.putIfAbsent(requirePrivate(key).getKeyID(), key);
        }
        this.byKid = Map.copyOf(keys);
        this.ordered = List.copyOf(keys.values());
    }

    private final List<RSAKey> ordered;

    private static RSAKey requirePrivate(RSAKey key) {
        if (key.getKeyID() == null || key.getKeyID().isBlank()) {
            throw new IllegalArgumentException("every signing key needs a kid");
        }
        return key;
    }

    public RSAKey current() {
        return current;
    }

    public Optional<RSAKey> find(String kid) {
        return kid == null ? Optional.empty() : Optional.ofNullable(byKid.get(kid));
    }

    /** Current key first, then the previous ones, newest first as stored. */
    public List<RSAKey> all() {
        return ordered;
    }

    public List<RSAKey> previous() {
        return ordered.subList(1, ordered.size());
    }

    /**
     * What may be published (a JWKS): for every key, current first, only {@code kty}, {@code kid}, {@code use},
     * {@code alg}, {@code n} and {@code e}. Built from the modulus and exponent alone rather than by stripping the
     * private key, so no private member (nor any other stored attribute) can ever leak into it.
     */
    public JWKSet publicJwkSet() {
        List<JWK> published = ordered.stream()
                .<JWK>map(key -> new RSAKey.Builder(key.getModulus(), key.getPublicExponent())
                        .keyID(key.getKeyID())
                        .keyUse(KeyUse.SIGNATURE)
                        .algorithm(JWSAlgorithm.RS256)
                        .build())
                .toList();
        return new JWKSet(published);
    }
}
