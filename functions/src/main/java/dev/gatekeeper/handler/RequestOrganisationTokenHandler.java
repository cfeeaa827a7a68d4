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
import dev.gatekeeper.core.organisation.Organisation;
import dev.gatekeeper.core.token.IssuedToken;
import dev.gatekeeper.core.token.TokenIssuer;

/** {@code requestTokensForOrganisationUsingPOST}: POST /organisations/{encodedOrganisationId}/tokens, a partner's access token for an organisation below it. */
public final class RequestOrganisationTokenHandler
        implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
    private final Gatekeeper gatekeeper;
    private final TokenIssuer issuer;

    public RequestOrganisationTokenHandler() {
        this(Gatekeeper.shared());
    }

    public RequestOrganisationTokenHandler(Gatekeeper gatekeeper) {
        this.gatekeeper = gatekeeper;
        // At start, not on the first request: a service without the signing keys cannot issue (see Gatekeeper).
        this.issuer = gatekeeper.issuer();
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        return gatekeeper.endpoint().handle("requestTokensForOrganisationUsingPOST", event, context, Permission.PARTNER_TOKENS, BodyKind.JSON,
                (request, caller, metrics) -> {
                    Organisation target = gatekeeper.hierarchy().resolveWithin(caller.organisation(),
                            request.pathParameter("encodedOrganisationId"));
                    IssuedToken token = issuer.issue(caller, target,
                            JsonBodies.tokenRequest(request.body().orElse(null)), request.audit(caller));
                    metrics.tokenIssued();
                    return TokenResponses.created("/organisations/" + target.id() + "/tokens/" + token.record().id(), token);
                });
    }
}
