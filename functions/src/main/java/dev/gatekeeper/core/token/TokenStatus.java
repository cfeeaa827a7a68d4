package dev.gatekeeper.core.token;

/** As Gatekeeper reports it: a token stays ACTIVE after it expires; only revocation changes the status. */
public enum TokenStatus {
    ACTIVE,
    REVOKED
}
