package dev.gatekeeper.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.gatekeeper.api.ApiEndpoint.BodyKind;
import dev.gatekeeper.api.TokenResponses;
import dev.gatekeeper.config.Gatekeeper;
import dev.gatekeeper.core.auth.Permission;

/** {@code revokeAllTokensUsingPOST}: POST /tokens/revoke, revokes every token of the caller's own organisation. */
public final class RevokeAllTokensHandler
        implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
    private final Gatekeeper gatekeeper;

    public RevokeAllTokensHandler() {
        this(Gatekeeper.sharedVerifyOnly());
    }

    public RevokeAllTokensHandler(Gatekeeper gatekeeper) {
        this.gatekeeper = gatekeeper;
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        return gatekeeper.endpoint().handle("revokeAllTokensUsingPOST", event, context, Permission.OWN_TOKENS, BodyKind.NONE,
                (request, caller, metrics) -> {
                    long count = gatekeeper.revocation().revokeAll(caller.organisation(), request.audit(caller));
                    metrics.revokedAll(count);
                    return TokenResponses.revokedAll("/tokens/revoke", count);
                });
    }
}
