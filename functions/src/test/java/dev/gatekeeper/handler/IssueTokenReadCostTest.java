package dev.gatekeeper.handler;

import static dev.gatekeeper.testing.GatekeeperFixture.MERCHANT_KEY;
import static dev.gatekeeper.testing.GatekeeperFixture.PARTNER_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.gatekeeper.testing.ApiEvents;
import dev.gatekeeper.testing.CountingDynamoDbClient;
import dev.gatekeeper.testing.GatekeeperFixture;
import dev.gatekeeper.testing.TestLambdaContext;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issuing a token is the service's hot path, so its DynamoDB round trips are counted on a warm container: the
 * requests a real SDK client sends to DynamoDB Local, seen by an interceptor. The API key is read every time (a
 * revoked key must stop working at once); the organisation profile and the revocation generation are remembered.
 */
class IssueTokenReadCostTest {
    private static final String BODY = "{\"scopes\":[\"admin\"],\"expiresIn\":600}";

    private final GatekeeperFixture gk = GatekeeperFixture.create();
    private final CountingDynamoDbClient dynamoDb = new CountingDynamoDbClient();
    private RequestTokenHandler requestToken;
    private RequestOrganisationTokenHandler requestOrganisationToken;

    @BeforeEach
    void aContainerWithACountingDynamoDbClient() {
        var container = gk.gatekeeperWith(dynamoDb.client());
        requestToken = new RequestTokenHandler(container);
        requestOrganisationToken = new RequestOrganisationTokenHandler(container);
    }

    private List<String> callsFor(APIGatewayProxyRequestEvent event, int expectedStatus) {
        dynamoDb.takeCalls();
        APIGatewayProxyResponseEvent response = event.getPath().startsWith("/organisations/")
                ? requestOrganisationToken.handleRequest(event, new TestLambdaContext("RequestOrganisationTokenFunction"))
                : requestToken.handleRequest(event, new TestLambdaContext("RequestTokenFunction"));
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(expectedStatus);
        return dynamoDb.takeCalls();
    }

    private static APIGatewayProxyRequestEvent ownToken() {
        return ApiEvents.post("/tokens").apiKey(MERCHANT_KEY).json(BODY).build();
    }

    private static APIGatewayProxyRequestEvent merchantTokenByPartner() {
        return ApiEvents.post("/organisations/{encodedOrganisationId}/tokens", "encodedOrganisationId", "merchant01")
                .apiKey(PARTNER_KEY).json(BODY).build();
    }

    @Test
    void aColdContainerReadsTheKeyTheOrganisationAndTheGenerationThenWritesOnce() {
        assertThat(callsFor(ownToken(), 201))
                .containsExactly("GetItemRequest", "GetItemRequest", "GetItemRequest", "TransactWriteItemsRequest");
    }

    @Test
    void aWarmContainerReadsOnlyTheApiKeyThenWritesOnce() {
        callsFor(ownToken(), 201);

        assertThat(callsFor(ownToken(), 201)).containsExactly("GetItemRequest", "TransactWriteItemsRequest");
    }

    @Test
    void aPartnerIssuingForItsMerchantOnAWarmContainerReadsOnlyTheApiKeyToo() {
        callsFor(merchantTokenByPartner(), 201);

        assertThat(callsFor(merchantTokenByPartner(), 201)).containsExactly("GetItemRequest", "TransactWriteItemsRequest");
    }

    @Test
    void aRevokeAllInAnotherContainerCostsOneRefusedWriteAndOneReadThenTheTokenIsIssuedInTheNewGeneration() {
        callsFor(ownToken(), 201);
        gk.invoke(RevokeAllTokensHandler::new, ApiEvents.post("/tokens/revoke").apiKey(MERCHANT_KEY).build());

        assertThat(callsFor(ownToken(), 201)).containsExactly(
                "GetItemRequest", "TransactWriteItemsRequest", "GetItemRequest", "TransactWriteItemsRequest");
        assertThat(callsFor(ownToken(), 201)).containsExactly("GetItemRequest", "TransactWriteItemsRequest");
    }

    @Test
    void theOrganisationProfileIsReadAgainOnceItIsThirtySecondsOld() {
        callsFor(ownToken(), 201);
        gk.clock.advance(Duration.ofSeconds(29));
        assertThat(callsFor(ownToken(), 201)).containsExactly("GetItemRequest", "TransactWriteItemsRequest");

        gk.clock.advance(Duration.ofSeconds(2));

        assertThat(callsFor(ownToken(), 201))
                .containsExactly("GetItemRequest", "GetItemRequest", "TransactWriteItemsRequest");
    }
}
