package dev.gatekeeper.handler;

import static dev.gatekeeper.handler.DynamoDbFaultsTest.assertServiceUnavailable;
import static dev.gatekeeper.handler.DynamoDbFaultsTest.call;
import static dev.gatekeeper.handler.DynamoDbFaultsTest.issue;
import static dev.gatekeeper.testing.FaultInjector.UNTIL_HEALED;
import static dev.gatekeeper.testing.GatekeeperFixture.MERCHANT_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.config.AwsClients;
import dev.gatekeeper.config.Gatekeeper;
import dev.gatekeeper.core.organisation.OrganisationId;
import dev.gatekeeper.testing.ApiEvents;
import dev.gatekeeper.testing.FaultInjector;
import dev.gatekeeper.testing.FaultInjector.Fault;
import dev.gatekeeper.testing.GatekeeperFixture;
import dev.gatekeeper.testing.GatekeeperFixture.Response;
import dev.gatekeeper.testing.LocalDynamoDb;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Secrets Manager failing under the real SDK client, configured as in Lambda: the first key load fails closed with
 * 503 and the next request loads the keys; a failed periodic reload keeps serving with the keys in memory.
 */
class SecretsManagerFaultsTest {
    private static final String GET_SECRET_VALUE = "GetSecretValue";
    static final Fault[] SERVICE_FAULTS = {Fault.SECRETS_MANAGER_THROTTLING, Fault.SECRETS_MANAGER_INTERNAL_ERROR};

    private final GatekeeperFixture gk = GatekeeperFixture.create();
    private final FaultInjector faults = new FaultInjector();
    /** The issuing functions' container (the private key set) and the others' (the public key set only). */
    private final Gatekeeper service = gk.gatekeeperWith(LocalDynamoDb.shared().client(), faults.secretsManager());
    private final Gatekeeper verifying = gk.verifyingWith(LocalDynamoDb.shared().client(), faults.secretsManager());

    @ParameterizedTest
    @FieldSource("SERVICE_FAULTS")
    void aFailedFirstKeyLoadGivesServiceUnavailableAndStoresNothingAndTheNextRequestLoadsTheKeys(Fault fault) {
        faults.reject(GET_SECRET_VALUE, 2 * AwsClients.MAX_ATTEMPTS, fault);

        Response failed = call(service, RequestTokenHandler::new, issue(MERCHANT_KEY));

        assertServiceUnavailable(failed);
        assertThat(failed.body().get("returnDescription").asText()).isEqualTo("Signing keys are unavailable");
        assertThat(faults.attempts(GET_SECRET_VALUE)).isEqualTo(AwsClients.MAX_ATTEMPTS);
        assertThat(gk.gatekeeper.tokenStore().listForOrganisation(new OrganisationId("merchant01"), 10)).isEmpty();
        assertServiceUnavailable(call(verifying, JwksHandler::new, ApiEvents.get("/.well-known/jwks.json").build()));

        Response recovered = call(service, RequestTokenHandler::new, issue(MERCHANT_KEY));

        assertThat(recovered.status()).isEqualTo(201);
        assertThat(faults.attempts(GET_SECRET_VALUE)).isEqualTo(2 * AwsClients.MAX_ATTEMPTS + 1);
    }

    @Test
    void aSingleThrottledKeyLoadIsRetriedAndTheRequestSucceeds() {
        faults.reject(GET_SECRET_VALUE, 1, Fault.SECRETS_MANAGER_THROTTLING);

        assertThat(call(service, RequestTokenHandler::new, issue(MERCHANT_KEY)).status()).isEqualTo(201);
        assertThat(faults.attempts(GET_SECRET_VALUE)).isEqualTo(2);
    }

    @Test
    void aHangingSecretsManagerTimesOutWithinTheCallTimeoutAndGivesServiceUnavailable() {
        faults.stall(GET_SECRET_VALUE, UNTIL_HEALED, Duration.ofSeconds(30));

        long started = System.nanoTime();
        Response response = call(service, RequestTokenHandler::new, issue(MERCHANT_KEY));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertServiceUnavailable(response);
        assertThat(took).isLessThan(AwsClients.SECRETS_MANAGER_CALL_TIMEOUT.plusMillis(500));
        faults.heal();
        assertThat(call(service, RequestTokenHandler::new, issue(MERCHANT_KEY)).status()).isEqualTo(201);
    }

    @Test
    void aFailedPeriodicReloadKeepsServingWithTheCachedKeysAndTriesAgainOnlyAfterAnotherCachePeriod() {
        Response before = call(service, RequestTokenHandler::new, ApiEvents.post("/tokens").apiKey(MERCHANT_KEY)
                .json("{\"scopes\":[\"admin\"],\"expiresIn\":3600}").build());
        assertThat(faults.attempts(GET_SECRET_VALUE)).isEqualTo(1);
        Duration maxAge = service.signingKeys().maxAge();
        gk.clock.advance(maxAge.plusSeconds(1));
        faults.reject(GET_SECRET_VALUE, UNTIL_HEALED, Fault.SECRETS_MANAGER_INTERNAL_ERROR);

        Response issued = call(service, RequestTokenHandler::new, issue(MERCHANT_KEY));

        assertThat(issued.status()).isEqualTo(201);
        assertThat(faults.attempts(GET_SECRET_VALUE)).isEqualTo(1 + AwsClients.MAX_ATTEMPTS);
        // The issuing container verifies a bearer token with the keys it holds, so it still accepts one issued earlier.
        Response minted = call(service, RequestTokenHandler::new,
                ApiEvents.post("/tokens").bearer(before.accessToken()).json(DynamoDbFaultsTest.ISSUE_BODY).build());
        assertThat(minted.status()).isEqualTo(201);
        assertThat(faults.attempts(GET_SECRET_VALUE)).as("the failure restarts the cache period").isEqualTo(4);

        faults.heal();
        gk.clock.advance(maxAge.plusSeconds(1));
        assertThat(call(service, RequestTokenHandler::new, issue(MERCHANT_KEY)).status()).isEqualTo(201);
        assertThat(faults.attempts(GET_SECRET_VALUE)).isEqualTo(5);
    }
}
