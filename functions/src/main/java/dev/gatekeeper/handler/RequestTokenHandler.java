package dev.gatekeeper.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.gatekeeper.api.ApiEndpoint.BodyKind;
import dev.gatekeeper.api.JsonBodies;
import dev.gatekeeper.api.TokenResponses;
import dev.gatekeeper.config.Gatekeeper;
import dev.gatekeeper.core.auth.Permission;
import dev.gatekeeper.core.token.IssuedToken;
import dev.gatekeeper.core.token.TokenIssuer;

/** {@code requestTokenUsingPOST}: POST /tokens, an access token for the caller's own organisation. */
public final class RequestTokenHandler
        implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
    private final Gatekeeper gatekeeper;
    private final TokenIssuer issuer;

    public RequestTokenHandler() {
        this(Gatekeeper.shared());
    }

    public RequestTokenHandler(Gatekeeper gatekeeper) {
        this.gatekeeper = gatekeeper;
        // At start, not on the first request: a service without the signing keys cannot issue (see Gatekeeper).
        this.issuer = gatekeeper.issuer();
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        return gatekeeper.endpoint().handle("requestTokenUsingPOST", event, context, Permission.OWN_TOKENS, BodyKind.JSON,
                (request, caller, metrics) -> {
                    IssuedToken token = issuer.issue(caller, caller.organisation(),
                            JsonBodies.tokenRequest(request.body().orElse(null)), request.audit(caller));
                    metrics.tokenIssued();
                    return TokenResponses.created("/tokens/" + token.record().id(), token);
                });
    }
}
