package dev.gatekeeper.bench.warm;

import dev.gatekeeper.core.organisation.AccessType;
import dev.gatekeeper.core.organisation.OrganisationId;
import dev.gatekeeper.core.token.TokenId;
import dev.gatekeeper.core.token.TokenRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The token record the benchmarks sign, verify and revoke: what {@code events/request-token.json} issues, i.e.
 * merchant {@code merchant01} (under partner {@code partner001}) for itself with scope {@code openbanking_pisp}.
 */
final class SampleTokens {
    static final OrganisationId MERCHANT = new OrganisationId("merchant01");
    static final OrganisationId PARTNER = new OrganisationId("partner001");
    static final String ISSUER = "https://gatekeeper.example.com";
    static final String AUDIENCE = "gatekeeper";

    private SampleTokens() {
    }

    /** A fresh, live record of {@code merchant01} in revocation generation {@code generation}. */
    static TokenRecord merchantToken(String keyId, long generation, Duration lifetime) {
        // Millisecond precision, as TokenIssuer stores it.
        Instant now = Instant.ofEpochMilli(System.currentTimeMillis());
        return new TokenRecord(TokenId.of(UUID.randomUUID()), MERCHANT, MERCHANT, AccessType.CR, AccessType.CR,
                PARTNER, List.of("openbanking_pisp"), false, false, now, now.plus(lifetime), generation, null,
                false, null, keyId);
    }
}
