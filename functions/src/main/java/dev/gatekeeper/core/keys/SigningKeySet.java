package dev.gatekeeper.core.keys;

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
}
