package dev.gatekeeper.core.audit;

/** What an audit record says happened. */
public enum AuditAction {
    TOKEN_ISSUED,
    APPLICATION_TOKEN_ISSUED,
    TOKEN_REVOKED,
    TOKENS_REVOKED_ALL,
    /** An API key turned off ({@code admin key revoke}); the tokens it sweeps leave their own records. */
    API_KEY_DEACTIVATED,
    /** Credentials refused with a 401 or 403 before any operation ran. */
    CREDENTIAL_REFUSED,
    /** An organisation created ({@code admin org create}, seeding); the record describes its profile. */
    ORGANISATION_CREATED,
    /** An organisation's profile changed ({@code admin org update}); the record names each change. */
    ORGANISATION_UPDATED,
    /** An API key issued ({@code admin key issue}, seeding); the record names the key by its id. */
    API_KEY_ISSUED
}
