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
import dev.gatekeeper.core.token.RevokedToken;
import java.time.Duration;
import java.util.Optional;

/**
 * POST /oauth2/revoke (RFC 7009): revokes the form's {@code token} if the caller may revoke it (issued to it, or
 * requested by it: the rule of POST /tokens/{tokenId}/revoke), and answers 200 in every case. API key only.
 */
public final class OAuthRevokeTokenHandler
        implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
    private final Gatekeeper gatekeeper;

    public OAuthRevokeTokenHandler() {
        this(Gatekeeper.sharedVerifyOnly());
    }

    public OAuthRevokeTokenHandler(Gatekeeper gatekeeper) {
        this.gatekeeper = gatekeeper;
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        return gatekeeper.endpoint().handle("revokeTokenOAuth", event, context, Permission.OAUTH_TOKEN_MANAGEMENT, BodyKind.FORM,
                (request, caller, metrics) -> {
                    Optional<RevokedToken> token = gatekeeper.revocation().revokePresented(caller.organisation(),
                            FormBodies.tokenParameter(request.body().orElse(null)), request.audit(caller),
                            Duration.ofMillis(context.getRemainingTimeInMillis()));
                    token.ifPresent(metrics::tokenRevoked);
                    return TokenResponses.oauthRevoked(token);
                });
    }
}
