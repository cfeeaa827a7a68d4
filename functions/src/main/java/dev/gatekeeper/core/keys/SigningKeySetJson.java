package dev.gatekeeper.core.keys;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The stored form of a {@link SigningKeySet}, as kept in the Secrets Manager secret or the local key file:
 * <pre>{"current": "kid-of-current", "keys": [ private RSA JWK, ... ]}</pre>
 * Keys are listed newest first; {@code current} names the one that signs.
 */
public final class SigningKeySetJson {
    private SigningKeySetJson() {
    }

    public static SigningKeySet parse(String json) {
        try {
            Map<String, Object> root = JSONObjectUtils.parse(json);
            String currentKid = JSONObjectUtils.getString(root, "current");
            List<Object> entries = JSONObjectUtils.getJSONArray(root, "keys");
            if (currentKid == null || entries == null || entries.isEmpty()) {
                throw new InvalidSigningKeysException("the key set names no current key");
            }
            RSAKey current = null;
            List<RSAKey> previous = new ArrayList<>();
            for (Object entry : entries) {
                if (!(entry instanceof Map<?, ?> map)) {
                    throw new InvalidSigningKeysException("a key entry is not a JSON object");
                }
                @SuppressWarnings("unchecked")
                JWK jwk = JWK.parse((Map<String, Object>) map);
                if (!(jwk instanceof RSAKey rsa) || !rsa.isPrivate()) {
                    throw new InvalidSigningKeysException("every key must be a private RSA key");
                }
                if (currentKid.equals(rsa.getKeyID())) {
                    current = rsa;
                } else {
                    previous.add(rsa);
                }
            }
            if (current == null) {
                throw new InvalidSigningKeysException("the current key is not in the key set");
            }
            return new SigningKeySet(current, previous);
        } catch (ParseException | ClassCastException e) {
            throw new InvalidSigningKeysException("the key set is not valid JSON Web Keys", e);
        } catch (IllegalArgumentException e) {
            // SigningKeySet refuses a key without a kid: stored content, not an outage.
            throw new InvalidSigningKeysException(e.getMessage(), e);
        }
    }

    public static String format(SigningKeySet keys) {
        List<Object> entries = new ArrayList<>();
        for (RSAKey key : keys.all()) {
            entries.add(key.toJSONObject());
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("current", keys.current().getKeyID());
        root.put("keys", entries);
        return JSONObjectUtils.toJSONString(root);
    }

    /** A fresh RSA-2048 signing key with a unique kid. */
    public static RSAKey generateKey(Instant now) {
        try {
            return new RSAKeyGenerator(2048)
                    .keyID(now.toString().substring(0, 10) + "-" + UUID.randomUUID().toString().substring(0, 8))
                    .algorithm(JWSAlgorithm.RS256)
                    .keyUse(KeyUse.SIGNATURE)
                    .issueTime(java.util.Date.from(now))
                    .generate();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException("RSA key generation failed", e);
        }
    }

    /** The set after a rotation: a new current key, the old ones kept for verification, at most {@code keep} in all. */
    public static SigningKeySet rotate(SigningKeySet existing, RSAKey next, int keep) {
        List<RSAKey> previous = new ArrayList<>();
        if (existing != null) {
            previous.addAll(existing.all());
        }
        while (previous.size() > Math.max(0, keep - 1)) {
            previous.remove(previous.size() - 1);
        }
        return new SigningKeySet(next, previous);
    }
}
