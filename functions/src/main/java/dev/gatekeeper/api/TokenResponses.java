package dev.gatekeeper.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.gatekeeper.core.token.IssuedToken;
import dev.gatekeeper.core.token.TokenRecord;
import java.util.List;

/** The success responses of the token operations, with their Gatekeeper envelopes and links. */
public final class TokenResponses {
    private TokenResponses() {
    }

    /** 201 with the new token and its {@code revoketoken} link, which works for whoever requested the token. */
    public static APIGatewayProxyResponseEvent created(String uri, IssuedToken token) {
        String id = token.record().id().value();
        var revokeLink = new JsonResponses.Link(id, "revoketoken", "/tokens/" + id + "/revoke");
        return ApiResponse.json(201, JsonResponses.token(uri, token.record(), token.accessToken(), List.of(revokeLink)));
    }

    /** 200 with the revoked token; no {@code accessToken}, since the token itself is never stored. */
    public static APIGatewayProxyResponseEvent revoked(String uri, TokenRecord token) {
        return ApiResponse.json(200, JsonResponses.token(uri, token, null, List.of()));
    }

    public static APIGatewayProxyResponseEvent revokedAll(String uri, long count) {
        return ApiResponse.json(200, JsonResponses.revokeAll(uri, count));
    }
}
