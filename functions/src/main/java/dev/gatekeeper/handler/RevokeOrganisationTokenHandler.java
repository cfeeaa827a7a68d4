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
import dev.gatekeeper.core.token.RevokedToken;
import java.time.Duration;

/** {@code revokeTokenForOrganisationUsingPOST}: POST /organisations/{encodedOrganisationId}/tokens/{tokenId}/revoke, a partner revokes one token of an organisation below it. */
public final class RevokeOrganisationTokenHandler
        implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
    private final Gatekeeper gatekeeper;

    public RevokeOrganisationTokenHandler() {
        this(Gatekeeper.sharedVerifyOnly());
    }

    public RevokeOrganisationTokenHandler(Gatekeeper gatekeeper) {
        this.gatekeeper = gatekeeper;
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        return gatekeeper.endpoint().handle("revokeTokenForOrganisationUsingPOST", event, context, Permission.PARTNER_TOKENS, BodyKind.NONE,
                (request, caller, metrics) -> {
                    Organisation target = gatekeeper.hierarchy().resolveWithin(caller.organisation(),
                            request.pathParameter("encodedOrganisationId"));
                    RevokedToken token = gatekeeper.revocation().revoke(target, request.pathParameter("tokenId"),
                            request.audit(caller), Duration.ofMillis(context.getRemainingTimeInMillis()));
                    metrics.tokenRevoked(token);
                    return TokenResponses.revoked("/organisations/" + target.id() + "/tokens/" + token.record().id() + "/revoke", token);
                });
    }
}
