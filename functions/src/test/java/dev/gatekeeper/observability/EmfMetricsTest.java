package dev.gatekeeper.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatekeeper.core.error.AuthFailure;
import dev.gatekeeper.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmfMetricsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant START = Instant.parse("2026-11-24T10:00:00Z");

    private final MutableClock clock = new MutableClock(START);
    private final List<String> lines = new ArrayList<>();
    private final EmfMetrics metrics = new EmfMetrics("Gatekeeper", clock, lines::add);

    private JsonNode onlyLine() throws Exception {
        assertThat(lines).hasSize(1);
        return JSON.readTree(lines.get(0));
    }

    @Test
    void anInvocationIsOneDocumentDeclaringItsMetricsUnderFunctionAndOperationWithTheirValuesAtTheTop() throws Exception {
        RequestMetrics request = metrics.start("RequestTokenFunction", "requestTokenUsingPOST", "req-1");
        clock.advance(Duration.ofMillis(42));
        request.tokenIssued();

        request.publish();

        assertThat(onlyLine()).isEqualTo(JSON.readTree("""
                {"_aws": {"Timestamp": 1795514400042, "CloudWatchMetrics": [{
                   "Namespace": "Gatekeeper",
                   "Dimensions": [["Function", "Operation"]],
                   "Metrics": [{"Name": "Latency", "Unit": "Milliseconds"}, {"Name": "TokensIssued", "Unit": "Count"}]}]},
                 "Function": "RequestTokenFunction", "Operation": "requestTokenUsingPOST", "requestId": "req-1",
                 "Latency": 42, "TokensIssued": 1}"""));
    }

    @Test
    void anAuthFailureIsDeclaredAgainUnderItsReasonAndCountedOnce() throws Exception {
        RequestMetrics request = metrics.start("TokenAuthorizerFunction", "authorize", "req-2");
        request.authFailure(AuthFailure.REVOKED_TOKEN);
        request.authFailure(AuthFailure.INVALID_TOKEN);

        request.publish();

        JsonNode line = onlyLine();
        JsonNode directives = line.at("/_aws/CloudWatchMetrics");
        assertThat(directives).hasSize(2);
        assertThat(directives.get(0).get("Metrics").toString()).isEqualTo("[{\"Name\":\"Latency\",\"Unit\":\"Milliseconds\"}]");
        assertThat(directives.get(1).get("Dimensions").toString()).isEqualTo("[[\"Function\",\"Operation\",\"Reason\"]]");
        assertThat(directives.get(1).get("Metrics").toString()).isEqualTo("[{\"Name\":\"AuthFailures\",\"Unit\":\"Count\"}]");
        assertThat(line.get("Reason").asText()).isEqualTo("revoked_token");
        assertThat(line.get("AuthFailures").asLong()).isEqualTo(1);
    }

    @Test
    void aRevokeAllCountsTheCallAndTheTokensItRevokedAndAnOutageADependencyError() throws Exception {
        RequestMetrics request = metrics.start("f", "revokeAllTokensUsingPOST", null);
        request.revokedAll(7);
        request.dependencyError();

        request.publish();

        JsonNode line = onlyLine();
        assertThat(line.get("RevokeAllCalls").asLong()).isEqualTo(1);
        assertThat(line.get("RevokedByRevokeAll").asLong()).isEqualTo(7);
        assertThat(line.get("DependencyErrors").asLong()).isEqualTo(1);
        assertThat(line.has("requestId")).isFalse();
        assertThat(line.has("TokensIssued")).isFalse();
    }

    @Test
    void anInvocationPublishesOnceHoweverOftenItIsAsked() {
        RequestMetrics request = metrics.start("f", "o", "r");

        request.publish();
        request.publish();

        assertThat(lines).hasSize(1);
    }

    @Test
    void theNamespaceIsTheConfiguredOne() throws Exception {
        new EmfMetrics("GatekeeperStaging", clock, lines::add).start("f", "o", "r").publish();

        assertThat(onlyLine().at("/_aws/CloudWatchMetrics/0/Namespace").asText()).isEqualTo("GatekeeperStaging");
    }
}
