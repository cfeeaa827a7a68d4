package dev.gatekeeper.core.error;

import java.util.Locale;

/**
 * Why credentials were refused, for logs and metrics only. Callers never see it: a 401 says no more than "invalid
 * credentials", so that a caller cannot tell which check failed.
 */
public enum AuthFailure {
    /** No {@code Authorization} header. */
    MISSING_CREDENTIALS,
    /** An {@code Authorization} header that is neither a well-formed Basic API key nor a Bearer token, or two of them. */
    MALFORMED_CREDENTIALS,
    /**
     * An unknown or deactivated API key, or one whose organisation no longer exists; also a key deactivated while
     * its request was being served, before the token was stored.
     */
    INVALID_API_KEY,
    /** A token that is not ours or not valid now: signature, algorithm, issuer, audience, expiry, unknown key. */
    INVALID_TOKEN,
    /**
     * A well-signed token that the store does not hold as live: revoked one by one or by a revoke-all. Also a live
     * token asking for another one after the API key it descends from was revoked.
     */
    REVOKED_TOKEN,
    /** A bearer token presented to an operation that takes an API key only. */
    API_KEY_REQUIRED,
    /** Valid credentials of an organisation whose kind may not call the operation. */
    FORBIDDEN_KIND,
    /** A token without a scope the operation requires. */
    MISSING_SCOPE,
    /** Valid credentials from a source address outside the organisation's allow-list. */
    IP_NOT_ALLOWED,
    /** A bearer token asking for another one, which would lie deeper below an API key than tokens may be minted. */
    MINT_DEPTH_EXCEEDED;

    /** The value of the {@code Reason} metric dimension and of the {@code authFailure} log field. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
