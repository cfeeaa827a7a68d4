package dev.gatekeeper.core.organisation;

import java.util.Optional;
import java.util.regex.Pattern;

/** An encoded organisation id: ten lower-case letters and digits, such as {@code ybo8zd8j2q}. */
public record OrganisationId(String value) {
    private static final Pattern FORMAT = Pattern.compile("[a-z0-9]{10}");

    public OrganisationId {
        if (value == null || !FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException("not an organisation id");
        }
    }

    /** Empty for anything that is not a well-formed id, so a path parameter can never name a foreign key. */
    public static Optional<OrganisationId> parse(String value) {
        return value != null && FORMAT.matcher(value).matches() ? Optional.of(new OrganisationId(value)) : Optional.empty();
    }

    @Override
    public String toString() {
        return value;
    }
}
