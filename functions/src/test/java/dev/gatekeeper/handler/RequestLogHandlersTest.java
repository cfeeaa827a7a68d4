package dev.gatekeeper.handler;

import static dev.gatekeeper.testing.GatekeeperFixture.MERCHANT_KEY;
import static dev.gatekeeper.testing.GatekeeperFixture.PARTNER_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gatekeeper.api.ApiEndpoint;
import dev.gatekeeper.api.AuthorizerEndpoint;
import dev.gatekeeper.core.apikey.ApiKeyHash;
import dev.gatekeeper.testing.ApiEvents;
import dev.gatekeeper.testing.AuthorizerEvents;
import dev.gatekeeper.testing.CapturedOutput;
import dev.gatekeeper.testing.GatekeeperFixture;
import dev.gatekeeper.testing.TestLambdaContext;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** Each request logs one JSON line saying who asked for what and how it ended, and leaves nothing behind. */
class RequestLogHandlersTest {
    private static final String ISSUE_BODY = "{\"scopes\":[\"admin\"],\"expiresIn\":600}";

    private final GatekeeperFixture gk = GatekeeperFixture.create();

    private JsonNode onlyRequestLine(APIGatewayProxyRequestEvent event, TestLambdaContext context) {
        try (CapturedOutput output = CapturedOutput.start()) {
            new RequestTokenHandler(gk.gatekeeper).handleRequest(event, context);
            assertThat(output.logLinesOf(ApiEndpoint.class)).hasSize(1);
            return output.logLinesOf(ApiEndpoint.class).get(0);
        }
    }

    @Test
    void aRequestLogsOneLineWithItsRequestIdFunctionOperationOrganisationAndOutcome() {
        APIGatewayProxyRequestEvent event = ApiEvents.post("/tokens").apiKey(MERCHANT_KEY).json(ISSUE_BODY).build();

        JsonNode line = onlyRequestLine(event, new TestLambdaContext("RequestTokenFunction"));

        assertThat(line.get("level").asText()).isEqualTo("INFO");
        assertThat(line.get("message").asText()).isEqualTo("requestTokenUsingPOST answered 201");
        assertThat(line.get("requestId").asText()).isEqualTo(event.getRequestContext().getRequestId());
        assertThat(line.get("function").asText()).isEqualTo("RequestTokenFunction");
        assertThat(line.get("operation").asText()).isEqualTo("requestTokenUsingPOST");
        assertThat(line.get("organisationId").asText()).isEqualTo("merchant01");
        assertThat(line.get("outcome").asText()).isEqualTo("201");
        assertThat(line.has("error")).isFalse();
        assertThat(MDC.getCopyOfContextMap()).as("nothing left for the next request").isNullOrEmpty();
    }

    @Test
    void aRequestLogsWhichCredentialItUsedByItsPublicIdNeverTheSecret() {
        JsonNode withKey = onlyRequestLine(ApiEvents.post("/tokens").apiKey(MERCHANT_KEY).json(ISSUE_BODY).build(),
                new TestLambdaContext("RequestTokenFunction"));
        GatekeeperFixture.Response issued = gk.requestToken(MERCHANT_KEY, ISSUE_BODY);
        JsonNode withToken = onlyRequestLine(ApiEvents.post("/tokens").bearer(issued.accessToken()).json(ISSUE_BODY)
                .build(), new TestLambdaContext("RequestTokenFunction"));

        // The key id is what `admin key list` shows and `admin key revoke` takes.
        assertThat(withKey.get("credential").asText()).isEqualTo("apiKey:" + ApiKeyHash.of(MERCHANT_KEY).keyId());
        assertThat(withKey.toString()).doesNotContain(MERCHANT_KEY);
        assertThat(withToken.get("credential").asText()).isEqualTo("token:" + issued.tokenId());
        assertThat(withToken.toString()).doesNotContain(issued.accessToken());
    }

    @Test
    void theAuthorizerLogsWhichCredentialItAllowed() {
        GatekeeperFixture.Response issued = gk.requestToken(MERCHANT_KEY, ISSUE_BODY);
        try (CapturedOutput output = CapturedOutput.start()) {
            new TokenAuthorizerHandler(gk.verifying).handleRequest(
                    AuthorizerEvents.request().bearer(issued.accessToken()).build(), new TestLambdaContext("authorizer"));

            assertThat(output.logLinesOf(AuthorizerEndpoint.class)).singleElement()
                    .satisfies(line -> assertThat(line.get("credential").asText()).isEqualTo("token:" + issued.tokenId()));
        }
    }

    @Test
    void aRefusedRequestLogsItsReturnCodeAndWhyButNotTheCredentials() {
        JsonNode line = onlyRequestLine(ApiEvents.post("/tokens").apiKey("gk_unknown_key_0000000000000000000000000000000")
                .json(ISSUE_BODY).build(), new TestLambdaContext("RequestTokenFunction"));

        assertThat(line.get("outcome").asText()).isEqualTo("401");
        assertThat(line.get("returnCode").asText()).isEqualTo("UNAUTHORIZED");
        assertThat(line.get("authFailure").asText()).isEqualTo("invalid_api_key");
        assertThat(line.get("message").asText()).isEqualTo("requestTokenUsingPOST answered 401 UNAUTHORIZED: Invalid credentials");
        assertThat(line.has("organisationId")).isFalse();
        assertThat(line.has("credential")).as("only a credential that authenticated is named").isFalse();
        assertThat(line.toString()).doesNotContain("gk_unknown_key");
    }

    @Test
    void withoutAnApiGatewayRequestIdTheLambdaInvocationIdIsTheRequestId() {
        APIGatewayProxyRequestEvent event = ApiEvents.post("/tokens").apiKey(PARTNER_KEY).json(ISSUE_BODY).build();
        event.setRequestContext(null);
        TestLambdaContext context = new TestLambdaContext("RequestTokenFunction");

        JsonNode line = onlyRequestLine(event, context);

        assertThat(line.get("requestId").asText()).isEqualTo(context.getAwsRequestId());
    }

    @Test
    void withoutALambdaContextTheOperationNamesTheFunction() {
        JsonNode line = onlyRequestLine(ApiEvents.post("/tokens").apiKey(MERCHANT_KEY).json(ISSUE_BODY).build(), null);

        assertThat(line.get("function").asText()).isEqualTo("requestTokenUsingPOST");
    }
}
