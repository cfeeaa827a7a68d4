package dev.gatekeeper.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.gatekeeper.api.ApiEndpoint.BodyKind;
import dev.gatekeeper.api.TokenResponses;
import dev.gatekeeper.config.Gatekeeper;
import dev.gatekeeper.core.auth.Permission;
import dev.gatekeeper.core.organisation.Organisation;

/** {@code revokeTokensForOrganisationUsingPOST}: POST /organisations/{encodedOrganisationId}/tokens/revoke, a partner revokes every token of an organisation below it. */
public final class RevokeOrganisationTokensHandler
        implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
    private final Gatekeeper gatekeeper;

    public RevokeOrganisationTokensHandler() {
        this(Gatekeeper.sharedVerifyOnly());
    }

    public RevokeOrganisationTokensHandler(Gatekeeper gatekeeper) {
        this.gatekeeper = gatekeeper;
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        return gatekeeper.endpoint().handle("revokeTokensForOrganisationUsingPOST", event, context, Permission.PARTNER_TOKENS, BodyKind.NONE,
                (request, caller, metrics) -> {
                    Organisation target = gatekeeper.hierarchy().resolveWithin(caller.organisation(),
                            request.pathParameter("encodedOrganisationId"));
                    long count = gatekeeper.revocation().revokeAll(target, request.audit(caller));
                    metrics.revokedAll(count);
                    return TokenResponses.revokedAll("/organisations/" + target.id() + "/tokens/revoke", count);
                });
    }
}
