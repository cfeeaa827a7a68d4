package dev.gatekeeper.core.apikey;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The SHA-256 of an API key, the only form in which a key is stored. Keys are 256-bit random strings, so a fast
 * hash is enough: there is nothing to brute-force that a slow hash would protect.
 */
public record ApiKeyHash(String value) {
    public ApiKeyHash {
        Objects.requireNonNull(value, "value");
    }

    public static ApiKeyHash of(String apiKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(apiKey.getBytes(StandardCharsets.UTF_8));
            return new ApiKeyHash(Base64.getUrlEncoder().withoutPadding().encodeToString(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    /** Constant-time, so the time taken says nothing about how much of a stored hash matched. */
    public boolean matches(ApiKeyHash other) {
        return MessageDigest.isEqual(value.getBytes(StandardCharsets.US_ASCII), other.value.getBytes(StandardCharsets.US_ASCII));
    }

    /** A short public handle for listing and revoking a key, derived from the hash so it reveals nothing. */
    public String keyId() {
        byte[] digest = Base64.getUrlDecoder().decode(value);
        return HexFormat.of().formatHex(digest, 0, 6);
    }

    @Override
    public String toString() {
        return "ApiKeyHash[" + keyId() + "]";
    }
}
