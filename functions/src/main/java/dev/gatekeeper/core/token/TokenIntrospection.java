package dev.gatekeeper.core.token;

import dev.gatekeeper.core.organisation.Organisation;
import dev.gatekeeper.core.organisation.OrganisationHierarchy;
import java.time.Clock;
import java.util.Optional;

/**
 * Answers RFC 7662's question "is this token active, and what is it?" for a caller authenticated with its API key.
 *
 * <p>Empty, the RFC's {@code {"active": false}}, for any token that is not usable now (malformed, signed by an
 * unknown key, expired, not yet valid, revoked one by one or by a revoke-all) and equally for any token the caller
 * may not see, so the answer never tells a caller that someone else's token exists. A caller may see the tokens
 * of its own organisation and of organisations below it (as a partner may act for its merchants), and the tokens
 * it requested itself.
 */
public final class TokenIntrospection {
    private final JwtAccessTokenVerifier verifier;
    private final TokenStore store;
    private final OrganisationHierarchy hierarchy;
    private final Clock clock;

    public TokenIntrospection(JwtAccessTokenVerifier verifier, TokenStore store, OrganisationHierarchy hierarchy,
                              Clock clock) {
        this.verifier = verifier;
        this.store = store;
        this.hierarchy = hierarchy;
        this.clock = clock;
    }

    public Optional<IntrospectedToken> introspect(Organisation caller, String token) {
        Optional<AccessTokenClaims> verified = verifier.verifyOrExplain(token);
        if (verified.isEmpty()) {
            return Optional.empty();
        }
        AccessTokenClaims claims = verified.get();
        // The signed claims already name both organisations, so a foreign token costs no token read.
        boolean visible = claims.requestingOrganisation().equals(caller.id())
                || hierarchy.isWithin(caller, claims.organisation());
        if (!visible) {
            return Optional.empty();
        }
        return store.findLive(claims.organisation(), claims.tokenId(), clock.instant())
                .filter(record -> record.describes(claims))
                .map(record -> new IntrospectedToken(claims, record));
    }
}
