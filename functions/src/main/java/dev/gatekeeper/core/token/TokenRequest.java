package dev.gatekeeper.core.token;

import java.util.List;

/** A request for an access token, as parsed from the body; values are checked by {@link TokenIssuer}. */
public record TokenRequest(List<String> scopes, Integer expiresIn) {
}
