package dev.gatekeeper.core.token;

import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/** A token's id: the JWT {@code jti}, a lower-case UUID. */
public record TokenId(String value) {
    private static final Pattern FORMAT = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    public TokenId {
        if (value == null || !FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException("not a token id");
        }
    }

    public static TokenId of(UUID uuid) {
        return new TokenId(uuid.toString());
    }

    /** Empty for anything that is not a well-formed id; callers answer 404 as for an unknown id. */
    public static Optional<TokenId> parse(String value) {
        return value != null && FORMAT.matcher(value).matches() ? Optional.of(new TokenId(value)) : Optional.empty();
    }

    @Override
    public String toString() {
        return value;
    }
}
