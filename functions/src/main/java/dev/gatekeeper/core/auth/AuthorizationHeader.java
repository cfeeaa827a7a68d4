package dev.gatekeeper.core.auth;

import dev.gatekeeper.core.error.AuthFailure;
import dev.gatekeeper.core.error.GatekeeperException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Parses the {@code Authorization} header: {@code Basic base64(apiKey + ":")} with an empty password, or
 * {@code Bearer token}. Scheme names are case-insensitive (RFC 9110); anything ambiguous is refused.
 */
public final class AuthorizationHeader {
    private static final int MAX_LENGTH = 8192;

    private AuthorizationHeader() {
    }

    public static Credentials parse(List<String> values) {
        if (values == null || values.isEmpty()) {
            throw GatekeeperException.unauthorized(AuthFailure.MISSING_CREDENTIALS, "Missing credentials");
        }
        if (values.size() > 1) {
            throw GatekeeperException.unauthorized(AuthFailure.MALFORMED_CREDENTIALS, "More than one Authorization header");
        }
        String value = values.get(0);
        if (value == null || value.length() > MAX_LENGTH) {
            throw invalid();
        }
        int space = value.indexOf(' ');
        if (space <= 0) {
            throw invalid();
        }
        String scheme = value.substring(0, space).toLowerCase(Locale.ROOT);
        String rest = value.substring(space + 1).trim();
        if (rest.isEmpty() || containsControlOrSpace(rest)) {
            throw invalid();
        }
        return switch (scheme) {
            case "basic" -> basic(rest);
            case "bearer" -> new Credentials.Bearer(rest);
            default -> throw invalid();
        };
    }

    private static Credentials basic(String encoded) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
        int colon = decoded.indexOf(':');
        // Gatekeeper sends the key as the user name with an empty password; a password means a confused client.
        if (colon <= 0 || colon != decoded.length() - 1) {
            throw invalid();
        }
        String key = decoded.substring(0, colon);
        if (containsControlOrSpace(key)) {
            throw invalid();
        }
        return new Credentials.ApiKey(key);
    }

    private static boolean containsControlOrSpace(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= 0x20 || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    private static GatekeeperException invalid() {
        return GatekeeperException.unauthorized(AuthFailure.MALFORMED_CREDENTIALS, "Invalid credentials");
    }
}
