package dev.gatekeeper.core.auth;

import dev.gatekeeper.core.organisation.AccessType;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What an operation demands of its caller: the kinds of organisation allowed to call it and, for bearer tokens,
 * the scopes that grant it (any one suffices). API keys carry the full rights of their organisation.
 */
public enum Permission {
    /** Issue or revoke the caller's own tokens. */
    OWN_TOKENS(EnumSet.allOf(AccessType.class), List.of("admin", "bankadmin")),
    /** Issue or revoke tokens of an organisation below a partner. */
    PARTNER_TOKENS(EnumSet.of(AccessType.BN, AccessType.BG), List.of("bankadmin")),
    /** A merchant's application token for itself. */
    OWN_APPLICATION_TOKENS(EnumSet.of(AccessType.CR), List.of("application_tokens")),
    /** A partner's application token for an organisation below it. */
    PARTNER_APPLICATION_TOKENS(EnumSet.of(AccessType.BN, AccessType.BG), List.of("application_tokens")),
    /**
     * Ask about a token (RFC 7662) or revoke it the standard OAuth way (RFC 7009). Client authentication in those
     * RFCs is the client's own credential, so only an API key is accepted: a bearer token cannot vouch for a
     * question about tokens.
     */
    OAUTH_TOKEN_MANAGEMENT(EnumSet.allOf(AccessType.class), List.of());

    private final Set<AccessType> allowedKinds;
    private final List<String> bearerScopes;

    Permission(Set<AccessType> allowedKinds, List<String> bearerScopes) {
        this.allowedKinds = allowedKinds;
        this.bearerScopes = bearerScopes;
    }

    public boolean allowsKind(AccessType kind) {
        return allowedKinds.contains(kind);
    }

    public List<String> bearerScopes() {
        return bearerScopes;
    }

    /** False for operations that take an API key only. */
    public boolean acceptsBearer() {
        return !bearerScopes.isEmpty();
    }
}
