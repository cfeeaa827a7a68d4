package dev.gatekeeper.core.token;

import java.util.Objects;

/**
 * An active token as introspection reports it: the verified claims of the presented JWT and the stored record
 * that shows it is still live (the record also knows what the JWT carries only implicitly, such as the requester's
 * kind of organisation).
 */
public record IntrospectedToken(AccessTokenClaims claims, TokenRecord record) {
    public IntrospectedToken {
        Objects.requireNonNull(claims, "claims");
        Objects.requireNonNull(record, "record");
        if (!claims.tokenId().equals(record.id())) {
            throw new IllegalArgumentException("claims and record describe different tokens");
        }
    }
}
