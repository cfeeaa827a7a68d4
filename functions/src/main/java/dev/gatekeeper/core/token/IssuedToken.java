package dev.gatekeeper.core.token;

/** A stored token record and its signed JWT, which exists only in this response. */
public record IssuedToken(TokenRecord record, String accessToken) {
    @Override
    public String toString() {
        return "IssuedToken[" + record.id() + "]";
    }
}
