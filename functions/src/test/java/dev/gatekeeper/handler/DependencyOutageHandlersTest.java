package dev.gatekeeper.handler;

import static dev.gatekeeper.testing.GatekeeperFixture.MERCHANT_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.adapter.secretsmanager.SecretsManagerSigningKeySource;
import dev.gatekeeper.config.Gatekeeper;
import dev.gatekeeper.config.GatekeeperConfig;
import dev.gatekeeper.core.organisation.OrganisationId;
import dev.gatekeeper.testing.ApiEvents;
import dev.gatekeeper.testing.GatekeeperFixture;
import dev.gatekeeper.testing.GatekeeperFixture.Response;
import dev.gatekeeper.testing.MotoServer;
import dev.gatekeeper.testing.TestKeys;
import dev.gatekeeper.testing.TestLambdaContext;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.model.DeleteSecretRequest;

/** A dependency that is down gives a 503 ErrorResponse, never a token or a stack trace. */
class DependencyOutageHandlersTest {

    @Test
    void aMissingSigningKeySecretFailsClosedWithServiceUnavailableAndStoresNothing() {
        GatekeeperFixture gk = GatekeeperFixture.create();
        MotoServer.shared().secretsManager().deleteSecret(DeleteSecretRequest.builder()
                .secretId(gk.secretArn).forceDeleteWithoutRecovery(true).build());

        Response response = gk.invoke(RequestTokenHandler::new,
                ApiEvents.post("/tokens").apiKey(MERCHANT_KEY).json("{\"scopes\":[\"admin\"]}").build());

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.returnCode()).isEqualTo("SERVICE_UNAVAILABLE");
        assertThat(response.body().get("returnDescription").asText()).isEqualTo("Signing keys are unavailable");
        assertThat(response.raw().getBody()).doesNotContain("Exception").doesNotContain("moto").doesNotContain("arn:");
        assertThat(gk.gatekeeper.tokenStore().listForOrganisation(new OrganisationId("merchant01"), 10)).isEmpty();
    }

    @Test
    void anUnreachableTableGivesServiceUnavailableForEveryOperation() throws IOException {
        URI deadEndpoint = URI.create("http://127.0.0.1:" + closedPort());
        DynamoDbClient unreachable = DynamoDbClient.builder()
                .endpointOverride(deadEndpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(ApacheHttpClient.builder().build())
                .build();
        String secret = MotoServer.shared().createSigningKeySecret(TestKeys.only(TestKeys.FIRST));
        GatekeeperConfig config = GatekeeperConfig.fromEnvironment(Map.of(
                GatekeeperConfig.TABLE_NAME, "tokens", GatekeeperConfig.SIGNING_KEY_SECRET_ARN, secret,
                GatekeeperConfig.TOKEN_ISSUER, GatekeeperFixture.ISSUER, GatekeeperConfig.TOKEN_AUDIENCE, GatekeeperFixture.AUDIENCE));
        Gatekeeper gatekeeper = Gatekeeper.create(config, unreachable,
                new SecretsManagerSigningKeySource(MotoServer.shared().secretsManager(), secret), Clock.systemUTC(), UUID::randomUUID);

        var issue = new RequestTokenHandler(gatekeeper).handleRequest(
                ApiEvents.post("/tokens").apiKey(MERCHANT_KEY).json("{\"scopes\":[\"admin\"]}").build(), new TestLambdaContext("t"));
        var revokeAll = new RevokeAllTokensHandler(gatekeeper).handleRequest(
                ApiEvents.post("/tokens/revoke").apiKey(MERCHANT_KEY).build(), new TestLambdaContext("t"));

        for (var response : new Response[] {new Response(issue), new Response(revokeAll)}) {
            assertThat(response.status()).isEqualTo(503);
            assertThat(response.returnCode()).isEqualTo("SERVICE_UNAVAILABLE");
            assertThat(response.raw().getBody()).doesNotContain("Exception").doesNotContain("127.0.0.1");
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort(); // free once closed: nothing listens there
        }
    }
}
