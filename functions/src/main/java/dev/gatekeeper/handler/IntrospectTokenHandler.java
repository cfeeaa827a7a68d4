package dev.gatekeeper.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.gatekeeper.api.ApiEndpoint.BodyKind;
import dev.gatekeeper.api.FormBodies;
import dev.gatekeeper.api.TokenResponses;
import dev.gatekeeper.config.Gatekeeper;
import dev.gatekeeper.core.auth.Permission;

/**
 * POST /oauth2/introspect (RFC 7662): is the form's {@code token} active, and what is it. API key only; the answer
 * is {@code {"active": false}} for any token the caller may not see.
 */
public final class IntrospectTokenHandler
        implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
    private final Gatekeeper gatekeeper;

    public IntrospectTokenHandler() {
        this(Gatekeeper.sharedVerifyOnly());
    }

    public IntrospectTokenHandler(Gatekeeper gatekeeper) {
        this.gatekeeper = gatekeeper;
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        return gatekeeper.endpoint().handle("introspectToken", event, context, Permission.OAUTH_TOKEN_MANAGEMENT, BodyKind.FORM,
                (request, caller, metrics) -> TokenResponses.introspected(gatekeeper.introspection().introspect(
                        caller.organisation(), FormBodies.tokenParameter(request.body().orElse(null)))));
    }
}
