package dev.gatekeeper.core.apikey;

import java.security.SecureRandom;
import java.util.Base64;

/** Makes new API keys: a recognisable prefix (for secret scanners) and 256 random bits. */
public final class ApiKeyGenerator {
    public static final String PREFIX = "gk_";
    private final SecureRandom random;

    public ApiKeyGenerator(SecureRandom random) {
        this.random = random;
    }

    public ApiKeyGenerator() {
        this(new SecureRandom());
    }

    public String newKey() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
