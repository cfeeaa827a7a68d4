package dev.gatekeeper.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.nimbusds.jose.jwk.JWKSet;
import dev.gatekeeper.core.token.IntrospectedToken;
import dev.gatekeeper.core.token.IssuedToken;
import dev.gatekeeper.core.token.RevokedToken;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;

/** The success responses of the token operations: Gatekeeper envelopes and links, and the OAuth endpoints' answers. */
public final class TokenResponses {
    /**
     * On a revocation's response when tokens minted with the revoked token may still be live: the request revoked
     * what it could within its limit (or met an error after revoking the token itself), and repeating it goes on.
     * A header, as the bodies are the Gatekeeper contract's.
     */
    public static final String MINTED_TOKENS_REMAIN = "Gatekeeper-Minted-Tokens-Remain";

    private TokenResponses() {
    }

    /** 201 with the new token and its {@code revoketoken} link, which works for whoever requested the token. */
    public static APIGatewayProxyResponseEvent created(String uri, IssuedToken token) {
        String id = token.record().id().value();
        var revokeLink = new JsonResponses.Link(id, "revoketoken", "/tokens/" + id + "/revoke");
        return ApiResponse.json(201, JsonResponses.token(uri, token.record(), token.accessToken(), List.of(revokeLink)));
    }

    /** 200 with the revoked token; no {@code accessToken}, since the token itself is never stored. */
    public static APIGatewayProxyResponseEvent revoked(String uri, RevokedToken token) {
        return mintedTokensRemain(ApiResponse.json(200, JsonResponses.token(uri, token.record(), null, List.of())),
                token.mintedTokensRemain());
    }

    public static APIGatewayProxyResponseEvent revokedAll(String uri, long count) {
        return ApiResponse.json(200, JsonResponses.revokeAll(uri, count));
    }

    /** 200 with the RFC 7662 answer, active or not; never cached, as the answer changes on revocation. */
    public static APIGatewayProxyResponseEvent introspected(Optional<IntrospectedToken> token) {
        return ApiResponse.json(200, JsonResponses.introspection(token));
    }

    /**
     * RFC 7009: 200 whatever happened to the token, so the answer says nothing about it. The RFC leaves the body
     * empty; an empty JSON object keeps the {@code application/json} content type honest.
     */
    public static APIGatewayProxyResponseEvent oauthRevoked(Optional<RevokedToken> token) {
        return mintedTokensRemain(ApiResponse.json(200, "{}"),
                token.filter(RevokedToken::mintedTokensRemain).isPresent());
    }

    private static APIGatewayProxyResponseEvent mintedTokensRemain(APIGatewayProxyResponseEvent response,
                                                                   boolean remain) {
        if (remain) {
            var headers = new HashMap<>(response.getHeaders());
            headers.put(MINTED_TOKENS_REMAIN, "true");
            response.setHeaders(headers);
        }
        return response;
    }

    /**
     * 200 with the public signing keys, cacheable by anyone for {@code maxAge}. See {@code JwksHandler} for why
     * that is the key cache's age.
     */
    public static APIGatewayProxyResponseEvent jwks(JWKSet publicKeys, Duration maxAge) {
        return ApiResponse.publicJson(200, publicKeys.toString(true), maxAge);
    }
}
