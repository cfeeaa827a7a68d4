package dev.gatekeeper.core.keys;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stored form of a {@link VerificationKeySet}, as kept in the public key secret or the local public key file:
 * <pre>{"current": "kid-of-current", "keys": [ public JWK, ... ]}</pre>
 * The shape of {@link SigningKeySetJson} with public JWKs only ({@code kty kid use alg n e} or
 * {@code kty kid use alg crv x y}). Reading refuses any key with a private parameter, so a verify-only function
 * pointed at the private key set by mistake fails closed instead of holding the private keys.
 */
public final class VerificationKeySetJson {
    private VerificationKeySetJson() {
    }

    public static VerificationKeySet parse(String json) {
        try {
            Map<String, Object> root = JSONObjectUtils.parse(json);
            String currentKid = JSONObjectUtils.getString(root, "current");
            List<Object> entries = JSONObjectUtils.getJSONArray(root, "keys");
            if (currentKid == null || entries == null || entries.isEmpty()) {
                throw new InvalidSigningKeysException("the public key set names no current key");
            }
            VerificationKey current = null;
            List<VerificationKey> previous = new ArrayList<>();
            for (Object entry : entries) {
                if (!(entry instanceof Map<?, ?> map)) {
                    throw new InvalidSigningKeysException("a public key entry is not a JSON object");
                }
                @SuppressWarnings("unchecked")
                VerificationKey key = VerificationKey.of(JWK.parse((Map<String, Object>) map));
                if (currentKid.equals(key.kid())) {
                    current = key;
                } else {
                    previous.add(key);
                }
            }
            if (current == null) {
                throw new InvalidSigningKeysException("the current key is not in the public key set");
            }
            return new VerificationKeySet(current, previous);
        } catch (ParseException | ClassCastException | IllegalArgumentException e) {
            // Not e's message: a parser's message may quote the value, which may be a private key set by mistake.
            throw new InvalidSigningKeysException("the public key set is not valid JSON Web Keys", e);
        }
    }

    /** The set's public JWKs, current first, naming the current one; the same set always gives the same text. */
    public static String format(VerificationKeySet keys) {
        List<Object> entries = new ArrayList<>();
        for (VerificationKey key : keys.all()) {
            entries.add(key.publicJwk().toJSONObject());
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("current", keys.current().kid());
        root.put("keys", entries);
        return JSONObjectUtils.toJSONString(root);
    }
}
