package dev.gatekeeper.handler;

import static dev.gatekeeper.testing.GatekeeperFixture.MERCHANT_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import dev.gatekeeper.api.AuthorizerEndpoint;
import dev.gatekeeper.testing.GatekeeperFixture;
import dev.gatekeeper.testing.GatekeeperFixture.Response;
import dev.gatekeeper.testing.TestLambdaContext;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The sample events of the JWKS, OAuth and authorizer functions in {@code events/}, loaded as the Lambda runtime
 * loads them and run against the seeded demo data. Their token is a placeholder signed by a key no deployment has;
 * with a real token in its place (as events/README.md tells) each event does what its function is for.
 */
class OAuthSampleEventsTest {
    private static final Path EVENTS = Path.of(System.getProperty("gatekeeper.repoRoot", ".."), "events");
    private final GatekeeperFixture gk = GatekeeperFixture.create();

    private static APIGatewayProxyRequestEvent proxyEvent(String file) {
        return EventLoader.loadApiGatewayRestEvent(EVENTS.resolve(file).toString());
    }

    private static APIGatewayCustomAuthorizerEvent authorizerEvent() {
        return EventLoader.loadAPIGatewayCustomAuthorizerEvent(EVENTS.resolve("token-authorizer.json").toString());
    }

    private static String placeholderToken(APIGatewayProxyRequestEvent event) {
        String body = event.getBody();
        return body.substring("token=".length(), body.indexOf('&'));
    }

    private String realMerchantToken() {
        return gk.requestToken(MERCHANT_KEY, "{\"scopes\":[\"openbanking_pisp\"],\"expiresIn\":600}").accessToken();
    }

    @Test
    void theJwksEventIsAnsweredWithThePublicKeys() {
        Response response = gk.invoke(JwksHandler::new, proxyEvent("jwks.json"));
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body().get("keys")).hasSize(1);
    }

    @Test
    void theIntrospectionEventDescribesTheMerchantsToken() {
        APIGatewayProxyRequestEvent event = proxyEvent("introspect-token.json");
        assertThat(gk.invoke(IntrospectTokenHandler::new, event).raw().getBody()).isEqualTo("{\"active\":false}");

        event.setBody(event.getBody().replace(placeholderToken(event), realMerchantToken()));
        Response response = gk.invoke(IntrospectTokenHandler::new, event);

        assertThat(response.body().get("active").asBoolean()).isTrue();
        assertThat(response.body().get("sub").asText()).isEqualTo("merchant01");
    }

    @Test
    void theOAuthRevocationEventRevokesTheMerchantsToken() {
        APIGatewayProxyRequestEvent event = proxyEvent("oauth-revoke-token.json");
        assertThat(gk.invoke(OAuthRevokeTokenHandler::new, event).status()).isEqualTo(200);

        String token = realMerchantToken();
        event.setBody(event.getBody().replace(placeholderToken(event), token));
        assertThat(gk.invoke(OAuthRevokeTokenHandler::new, event).status()).isEqualTo(200);

        APIGatewayProxyRequestEvent introspection = proxyEvent("introspect-token.json");
        introspection.setBody("token=" + token);
        assertThat(gk.invoke(IntrospectTokenHandler::new, introspection).raw().getBody()).isEqualTo("{\"active\":false}");
    }

    @Test
    void theAuthorizerEventAllowsTheMerchantForTheProtectedApisStage() {
        TokenAuthorizerHandler authorizer = new TokenAuthorizerHandler(gk.verifying);
        APIGatewayCustomAuthorizerEvent event = authorizerEvent();
        assertThatThrownBy(() -> authorizer.handleRequest(event, new TestLambdaContext("TokenAuthorizerFunction")))
                .isInstanceOf(AuthorizerEndpoint.Unauthorized.class);

        Map<String, String> headers = new HashMap<>(event.getHeaders());
        headers.put("Authorization", "Bearer " + realMerchantToken());
        event.setHeaders(headers);
        IamPolicyResponseV1 policy = authorizer.handleRequest(event, new TestLambdaContext("TokenAuthorizerFunction"));

        assertThat(policy.getPrincipalId()).isEqualTo("merchant01");
        assertThat(policy.getContext()).containsEntry("scopes", "openbanking_pisp");
        @SuppressWarnings("unchecked")
        Map<String, Object> statement = ((Map<String, Object>[]) policy.getPolicyDocument().get("Statement"))[0];
        assertThat((String[]) statement.get("Resource"))
                .containsExactly("arn:aws:execute-api:eu-west-1:123456789012:pr0t3ct3d1/v1/*/*");
    }
}
