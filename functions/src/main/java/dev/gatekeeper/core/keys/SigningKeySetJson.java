package dev.gatekeeper.core.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.text.ParseException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The stored form of a {@link SigningKeySet}, as kept in the Secrets Manager secret or the local key file:
 * <pre>{"current": "kid-of-current", "keys": [ private JWK, ... ], "signedUntil": {"previous-kid": "2026-11-24T10:00:00Z"}}</pre>
 * Keys are listed newest first; {@code current} names the one that signs. Each key is a private RSA JWK (RS256) or
 * EC P-256 JWK (ES256) with its {@code alg}; see {@link SigningKey#of} for what is accepted. {@code signedUntil}
 * records when previous keys stopped signing ({@link SigningKeySet#signedUntil}); it is optional, so sets written
 * before it existed still read, and readers that predate it ignore it.
 */
public final class SigningKeySetJson {
    private static final String SIGNED_UNTIL = "signedUntil";
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
            SigningKey current = null;
            List<SigningKey> previous = new ArrayList<>();
            for (Object entry : entries) {
                if (!(entry instanceof Map<?, ?> map)) {
                    throw new InvalidSigningKeysException("a key entry is not a JSON object");
                }
                @SuppressWarnings("unchecked")
                SigningKey key = SigningKey.of(JWK.parse((Map<String, Object>) map));
                if (currentKid.equals(key.kid())) {
                    current = key;
                } else {
                    previous.add(key);
                }
            }
            if (current == null) {
                throw new InvalidSigningKeysException("the current key is not in the key set");
            }
            return new SigningKeySet(current, previous, signedUntil(root));
        } catch (ParseException | ClassCastException | IllegalArgumentException | DateTimeParseException e) {
            // Not e's message: a parser's message may quote the value, and the value holds private keys.
            throw new InvalidSigningKeysException("the key set is not valid JSON Web Keys", e);
        }
    }

    public static String format(SigningKeySet keys) {
        List<Object> entries = new ArrayList<>();
        for (SigningKey key : keys.all()) {
            entries.add(key.privateJwk().toJSONObject());
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("current", keys.current().kid());
        root.put("keys", entries);
        if (!keys.signedUntil().isEmpty()) {
            Map<String, Object> ends = new LinkedHashMap<>();
            keys.signedUntil().forEach((kid, end) -> ends.put(kid, end.toString()));
            root.put(SIGNED_UNTIL, ends);
        }
        return JSONObjectUtils.toJSONString(root);
    }

    private static Map<String, Instant> signedUntil(Map<String, Object> root) throws ParseException {
        Map<String, Object> stored = JSONObjectUtils.getJSONObject(root, SIGNED_UNTIL);
        if (stored == null) {
            return Map.of();
        }
        Map<String, Instant> ends = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : stored.entrySet()) {
            if (!(entry.getValue() instanceof String end)) {
                throw new InvalidSigningKeysException("the end of signing of key " + entry.getKey() + " is not a time");
            }
            ends.put(entry.getKey(), Instant.parse(end));
        }
        return ends;
    }

    /** A fresh signing key for the algorithm (RSA 2048 for RS256, EC P-256 for ES256) with a unique kid. */
    public static SigningKey generateKey(SigningAlgorithm algorithm, Instant now) {
        String kid = now.toString().substring(0, 10) + "-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            JWK jwk = switch (algorithm) {
                case RS256 -> new RSAKeyGenerator(2048)
                        .keyID(kid).algorithm(algorithm.jwsAlgorithm()).keyUse(KeyUse.SIGNATURE)
                        .issueTime(Date.from(now)).generate();
                case ES256 -> new ECKeyGenerator(Curve.P_256)
                        .keyID(kid).algorithm(algorithm.jwsAlgorithm()).keyUse(KeyUse.SIGNATURE)
                        .issueTime(Date.from(now)).generate();
            };
            return SigningKey.of(jwk);
        } catch (JOSEException e) {
            throw new IllegalStateException(algorithm + " key generation failed", e);
        }
    }
}
