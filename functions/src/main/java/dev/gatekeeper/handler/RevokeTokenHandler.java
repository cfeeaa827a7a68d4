package dev.gatekeeper.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.gatekeeper.api.ApiEndpoint.BodyKind;
import dev.gatekeeper.api.TokenResponses;
import dev.gatekeeper.config.Gatekeeper;
import dev.gatekeeper.core.auth.Permission;
import dev.gatekeeper.core.token.RevokedToken;
import java.time.Duration;

/** {@code revokeTokenUsingPOST}: POST /tokens/{tokenId}/revoke, revokes one token issued to the caller. */
public final class RevokeTokenHandler
        implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
    private final Gatekeeper gatekeeper;

    public RevokeTokenHandler() {
        this(Gatekeeper.sharedVerifyOnly());
    }

    public RevokeTokenHandler(Gatekeeper gatekeeper) {
        this.gatekeeper = gatekeeper;
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        return gatekeeper.endpoint().handle("revokeTokenUsingPOST", event, context, Permission.OWN_TOKENS, BodyKind.NONE,
                (request, caller, metrics) -> {
                    RevokedToken token = gatekeeper.revocation().revoke(caller.organisation(), request.pathParameter("tokenId"),
                            request.audit(caller), Duration.ofMillis(context.getRemainingTimeInMillis()));
                    metrics.tokenRevoked(token);
                    return TokenResponses.revoked("/tokens/" + token.record().id() + "/revoke", token);
                });
    }
}
