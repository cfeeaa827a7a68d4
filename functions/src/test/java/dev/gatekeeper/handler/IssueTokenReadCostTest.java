package dev.gatekeeper.handler;

import static dev.gatekeeper.testing.GatekeeperFixture.MERCHANT_KEY;
import static dev.gatekeeper.testing.GatekeeperFixture.PARTNER_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.gatekeeper.testing.ApiEvents;
import dev.gatekeeper.testing.GatekeeperFixture;
import dev.gatekeeper.testing.LocalDynamoDb;
import dev.gatekeeper.testing.TestLambdaContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Issuing a token is the service's hot path, so its DynamoDB round trips are counted on a warm container: the
 * requests a real SDK client sends to DynamoDB Local, seen by an interceptor. The API key is read every time (a
 * revoked key must stop working at once); the organisation profile and the revocation generation are remembered.
 */
class IssueTokenReadCostTest {
    private static final String BODY = "{\"scopes\":[\"admin\"],\"expiresIn\":600}";

    private final GatekeeperFixture gk = GatekeeperFixture.create();
    private final List<String> dynamoDbCalls = new CopyOnWriteArrayList<>();
    private RequestTokenHandler requestToken;
    private RequestOrganisationTokenHandler requestOrganisationToken;

    /** Records each operation the client sends (once per HTTP attempt, so a retry would count too). */
    private final class CountingInterceptor implements ExecutionInterceptor {
        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            dynamoDbCalls.add(context.request().getClass().getSimpleName());
        }
    }

    @BeforeEach
    void aContainerWithACountingDynamoDbClient() {
        DynamoDbClient counting = DynamoDbClient.builder()
                .endpointOverride(LocalDynamoDb.shared().endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClientBuilder(ApacheHttpClient.builder())
                .overrideConfiguration(config -> config.addExecutionInterceptor(new CountingInterceptor()))
                .build();
        var container = gk.gatekeeperWith(counting);
        requestToken = new RequestTokenHandler(container);
        requestOrganisationToken = new RequestOrganisationTokenHandler(container);
    }

    private List<String> callsFor(APIGatewayProxyRequestEvent event, int expectedStatus) {
        dynamoDbCalls.clear();
        APIGatewayProxyResponseEvent response = event.getPath().startsWith("/organisations/")
                ? requestOrganisationToken.handleRequest(event, new TestLambdaContext("RequestOrganisationTokenFunction"))
                : requestToken.handleRequest(event, new TestLambdaContext("RequestTokenFunction"));
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(expectedStatus);
        return List.copyOf(dynamoDbCalls);
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
