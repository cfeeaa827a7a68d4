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

/** {@code requestApplicationTokensForOrganisationUsingPOST}: POST /organisations/{encodedOrganisationId}/applications/tokens, a partner's application token for an organisation below it. */
public final class RequestOrganisationApplicationTokenHandler
        implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
    private final Gatekeeper gatekeeper;
    private final TokenIssuer issuer;

    public RequestOrganisationApplicationTokenHandler() {
        this(Gatekeeper.shared());
    }

    public RequestOrganisationApplicationTokenHandler(Gatekeeper gatekeeper) {
        this.gatekeeper = gatekeeper;
        // At start, not on the first request: a service without the signing keys cannot issue (see Gatekeeper).
        this.issuer = gatekeeper.issuer();
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        return gatekeeper.endpoint().handle("requestApplicationTokensForOrganisationUsingPOST", event, context, Permission.PARTNER_APPLICATION_TOKENS, BodyKind.JSON,
                (request, caller, metrics) -> {
                    Organisation target = gatekeeper.hierarchy().resolveWithin(caller.organisation(),
                            request.pathParameter("encodedOrganisationId"));
                    IssuedToken token = issuer.issueApplication(caller, target,
                            JsonBodies.applicationTokenRequest(request.body().orElse(null)), request.audit(caller));
                    metrics.tokenIssued();
                    return TokenResponses.created(
                            "/organisations/" + target.id() + "/applications/tokens/" + token.record().id(), token);
                });
    }
}
