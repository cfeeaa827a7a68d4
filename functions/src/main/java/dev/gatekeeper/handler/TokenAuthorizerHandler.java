package dev.gatekeeper.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import dev.gatekeeper.api.AuthorizerEndpoint;
import dev.gatekeeper.config.Gatekeeper;

/**
 * The Lambda {@code REQUEST} authorizer other REST APIs put in front of their routes: {@code Bearer} tokens of this
 * service (signature, expiry, issuer, audience, revocation, IP allow-list) and API keys (Basic, with the full
 * rights of their organisation). Allow carries the caller in the context; a source outside the allow-list is Deny
 * (403); anything else invalid is 401. See {@link dev.gatekeeper.core.auth.AccessAuthorizer} for the read cost.
 *
 * <p>The most exposed function (it fronts other APIs), so it runs on the verify-only service: the public key set
 * only, no private key to leak and nothing to sign with.
 */
public final class TokenAuthorizerHandler implements RequestHandler<APIGatewayCustomAuthorizerEvent, IamPolicyResponseV1> {
    private final AuthorizerEndpoint endpoint;

    public TokenAuthorizerHandler() {
        this(Gatekeeper.sharedVerifyOnly());
    }

    public TokenAuthorizerHandler(Gatekeeper gatekeeper) {
        this.endpoint = gatekeeper.authorizerEndpoint();
    }

    @Override
    public IamPolicyResponseV1 handleRequest(APIGatewayCustomAuthorizerEvent event, Context context) {
        return endpoint.authorize(event, context);
    }
}
