package dev.gatekeeper.handler;

import static dev.gatekeeper.testing.GatekeeperFixture.FILTERED_MERCHANT_KEY;
import static dev.gatekeeper.testing.GatekeeperFixture.MERCHANT_KEY;
import static dev.gatekeeper.testing.GatekeeperFixture.PARTNER_KEY;
import static dev.gatekeeper.testing.GatekeeperFixture.START;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatekeeper.api.AuthorizerEndpoint;
import dev.gatekeeper.testing.ApiEvents;
import dev.gatekeeper.testing.AuthorizerEvents;
import dev.gatekeeper.testing.CapturedOutput;
import dev.gatekeeper.testing.GatekeeperFixture;
import dev.gatekeeper.testing.GatekeeperFixture.Response;
import dev.gatekeeper.testing.LocalDynamoDb;
import dev.gatekeeper.testing.MotoServer;
import dev.gatekeeper.testing.TestLambdaContext;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.secretsmanager.model.DeleteSecretRequest;

/** Each request publishes one EMF line, read here the way CloudWatch reads it: the declared metrics and their values. */
class MetricsHandlersTest {
    private static final String ISSUE_BODY = "{\"scopes\":[\"admin\"],\"expiresIn\":600}";
    private static final String MINTED_TOKENS_REMAIN_METRIC = "MintedTokensRemain";
    private static final Path REPO_ROOT = Path.of(System.getProperty("gatekeeper.repoRoot", ".."));

    private final GatekeeperFixture gk = GatekeeperFixture.create();

    /** Runs one request and returns its EMF document. */
    private JsonNode metricsOf(Supplier<Response> request) {
        try (CapturedOutput output = CapturedOutput.start()) {
            request.get();
            assertThat(output.metricLines()).hasSize(1);
            return output.metricLines().get(0);
        }
    }

    private Response requestToken(ApiEvents event) {
        return gk.invoke(RequestTokenHandler::new, event.build());
    }

    /** The metric names a document declares under the given dimensions, each as Name:Unit. */
    private static List<String> declared(JsonNode document, String dimensions) {
        List<String> metrics = new ArrayList<>();
        for (JsonNode directive : document.at("/_aws/CloudWatchMetrics")) {
            assertThat(directive.get("Namespace").asText()).isEqualTo("Gatekeeper");
            if (directive.get("Dimensions").toString().equals(dimensions)) {
                metrics.addAll(declared(directive));
            }
        }
        return metrics;
    }

    @Test
    void anIssuedTokenCountsOneTokensIssuedUnderItsFunctionAndOperationWithItsLatency() {
        JsonNode metrics = metricsOf(() -> requestToken(ApiEvents.post("/tokens").apiKey(MERCHANT_KEY).json(ISSUE_BODY)));

        assertThat(metrics.at("/_aws/Timestamp").asLong()).isEqualTo(START.toEpochMilli());
        assertThat(declared(metrics, "[[\"Function\",\"Operation\"]]"))
                .containsExactly("Latency:Milliseconds", "TokensIssued:Count");
        assertThat(metrics.get("Function").asText()).isEqualTo("RequestTokenHandler");
        assertThat(metrics.get("Operation").asText()).isEqualTo("requestTokenUsingPOST");
        assertThat(metrics.get("TokensIssued").asLong()).isEqualTo(1);
        assertThat(metrics.get("Latency").asLong()).isZero(); // the fixture's clock stands still
    }

    @Test
    void aRevokedTokenCountsOneTokensRevoked() {
        String tokenId = gk.requestToken(MERCHANT_KEY, ISSUE_BODY).tokenId();

        JsonNode metrics = metricsOf(() -> gk.invoke(RevokeTokenHandler::new,
                ApiEvents.post("/tokens/{tokenId}/revoke", "tokenId", tokenId).apiKey(MERCHANT_KEY).build()));

        assertThat(declared(metrics, "[[\"Function\",\"Operation\"]]"))
                .containsExactly("Latency:Milliseconds", "TokensRevoked:Count");
        assertThat(metrics.get("TokensRevoked").asLong()).isEqualTo(1);
    }

    @Test
    void aRevokeAllCountsOneCallAndTheActiveTokensItRevoked() {
        for (int i = 0; i < 3; i++) {
            gk.requestTokenFor(PARTNER_KEY, "merchant01", "{\"scopes\":[\"openbanking_pisp\"],\"expiresIn\":600}");
        }

        JsonNode metrics = metricsOf(() -> gk.invoke(RevokeOrganisationTokensHandler::new,
                ApiEvents.post("/organisations/{encodedOrganisationId}/tokens/revoke", "encodedOrganisationId", "merchant01")
                        .apiKey(PARTNER_KEY).build()));

        assertThat(declared(metrics, "[[\"Function\",\"Operation\"]]"))
                .containsExactly("Latency:Milliseconds", "RevokeAllCalls:Count", "RevokedByRevokeAll:Count");
        assertThat(metrics.get("Operation").asText()).isEqualTo("revokeTokensForOrganisationUsingPOST");
        assertThat(metrics.get("RevokeAllCalls").asLong()).isEqualTo(1);
        assertThat(metrics.get("RevokedByRevokeAll").asLong()).isEqualTo(3);
    }

    @Test
    void refusedCredentialsCountOneAuthFailureUnderTheirReasonWhichTheCallerNeverSees() {
        String token = gk.requestToken(MERCHANT_KEY, ISSUE_BODY).accessToken();
        List<Refused> cases = List.of(
                new Refused(ApiEvents.post("/tokens").json(ISSUE_BODY), "missing_credentials"),
                new Refused(ApiEvents.post("/tokens").header("Authorization", "Digest abc").json(ISSUE_BODY), "malformed_credentials"),
                new Refused(ApiEvents.post("/tokens").apiKey("gk_unknown_key_0000000000000000000000000000").json(ISSUE_BODY),
                        "invalid_api_key"),
                new Refused(ApiEvents.post("/tokens").bearer(token + "x").json(ISSUE_BODY), "invalid_token"),
                new Refused(ApiEvents.post("/tokens").apiKey(FILTERED_MERCHANT_KEY).from("10.0.0.1").json(ISSUE_BODY),
                        "ip_not_allowed"),
                new Refused(ApiEvents.post("/tokens").apiKey(PARTNER_KEY).header("Content-Type", "text/plain").body(ISSUE_BODY),
                        null));
        for (Refused refused : cases) {
            JsonNode metrics = metricsOf(() -> {
                Response response = requestToken(refused.event());
                assertThat(response.raw().getBody()).doesNotContain("_credentials", "invalid_", "ip_not");
                return response;
            });

            if (refused.reason() == null) {
                assertThat(metrics.has("AuthFailures")).as("a 415 is no auth failure").isFalse();
                continue;
            }
            assertThat(declared(metrics, "[[\"Function\",\"Operation\",\"Reason\"]]")).as(refused.reason())
                    .containsExactly("AuthFailures:Count");
            assertThat(metrics.get("Reason").asText()).isEqualTo(refused.reason());
            assertThat(metrics.get("AuthFailures").asLong()).isEqualTo(1);
        }
        JsonNode forbiddenKind = metricsOf(() -> gk.invoke(RequestOrganisationTokenHandler::new, ApiEvents.post(
                "/organisations/{encodedOrganisationId}/tokens", "encodedOrganisationId", "merchant01")
                .apiKey(MERCHANT_KEY).json(ISSUE_BODY).build()));
        assertThat(forbiddenKind.get("Reason").asText()).isEqualTo("forbidden_kind");
    }

    @Test
    void aBearerTokenLackingTheScopeOrRevokedIsCountedUnderThatReason() {
        String pispOnly = gk.requestToken(MERCHANT_KEY, "{\"scopes\":[\"openbanking_pisp\"],\"expiresIn\":600}").accessToken();
        var admin = gk.requestToken(MERCHANT_KEY, ISSUE_BODY);
        gk.invoke(RevokeTokenHandler::new,
                ApiEvents.post("/tokens/{tokenId}/revoke", "tokenId", admin.tokenId()).apiKey(MERCHANT_KEY).build());

        JsonNode missingScope = metricsOf(() -> requestToken(ApiEvents.post("/tokens").bearer(pispOnly).json(ISSUE_BODY)));
        JsonNode revoked = metricsOf(() -> requestToken(ApiEvents.post("/tokens").bearer(admin.accessToken()).json(ISSUE_BODY)));
        JsonNode apiKeyRequired = metricsOf(() -> gk.invoke(IntrospectTokenHandler::new,
                ApiEvents.post("/oauth2/introspect").bearer(pispOnly).form("token=x").build()));

        assertThat(missingScope.get("Reason").asText()).isEqualTo("missing_scope");
        assertThat(revoked.get("Reason").asText()).isEqualTo("revoked_token");
        assertThat(apiKeyRequired.get("Reason").asText()).isEqualTo("api_key_required");
    }

    @Test
    void theAuthorizerCountsItsRefusalsAndDenialsByReason() {
        TokenAuthorizerHandler authorizer = new TokenAuthorizerHandler(gk.verifying);
        TestLambdaContext context = new TestLambdaContext("TokenAuthorizerFunction");

        JsonNode denied;
        JsonNode refused;
        try (CapturedOutput output = CapturedOutput.start()) {
            authorizer.handleRequest(AuthorizerEvents.request().apiKey(FILTERED_MERCHANT_KEY).from("10.0.0.1").build(), context);
            assertThatThrownBy(() -> authorizer.handleRequest(AuthorizerEvents.request().apiKey("gk_nope").build(), context))
                    .isInstanceOf(AuthorizerEndpoint.Unauthorized.class);
            denied = output.metricLines().get(0);
            refused = output.metricLines().get(1);
        }

        assertThat(denied.get("Function").asText()).isEqualTo("TokenAuthorizerFunction");
        assertThat(denied.get("Operation").asText()).isEqualTo("authorize");
        assertThat(denied.get("Reason").asText()).isEqualTo("ip_not_allowed");
        assertThat(refused.get("Reason").asText()).isEqualTo("invalid_api_key");
    }

    /**
     * The template's authorizer alarm subtracts the authorizer's 401s (which Lambda counts as errors) by their
     * reasons: it must list every reason the authorizer refuses with, under the operation name it publishes.
     */
    @Test
    void theAuthorizerAlarmInTheTemplateSubtractsEveryReasonTheAuthorizerAnswers401For() throws Exception {
        String token = gk.requestToken(MERCHANT_KEY, ISSUE_BODY).accessToken();
        var revoked = gk.requestToken(MERCHANT_KEY, ISSUE_BODY);
        gk.invoke(RevokeTokenHandler::new, ApiEvents.post("/tokens/{tokenId}/revoke", "tokenId", revoked.tokenId())
                .apiKey(MERCHANT_KEY).build());
        TokenAuthorizerHandler authorizer = new TokenAuthorizerHandler(gk.verifying);
        TestLambdaContext context = new TestLambdaContext("TokenAuthorizerFunction");
        List<AuthorizerEvents> refusals = List.of(
                AuthorizerEvents.request(),
                AuthorizerEvents.request().header("Authorization", "Digest abc"),
                AuthorizerEvents.request().apiKey("gk_unknown_key_000000000000000000000000000000"),
                AuthorizerEvents.request().bearer(token + "x"),
                AuthorizerEvents.request().bearer(revoked.accessToken()));
        Set<String> reasons = new TreeSet<>();
        try (CapturedOutput output = CapturedOutput.start()) {
            for (AuthorizerEvents refusal : refusals) {
                assertThatThrownBy(() -> authorizer.handleRequest(refusal.build(), context))
                        .isInstanceOf(AuthorizerEndpoint.Unauthorized.class);
            }
            output.metricLines().forEach(line -> reasons.add(line.get("Reason").asText()));
            assertThat(output.metricLines())
                    .allSatisfy(line -> assertThat(line.get("Operation").asText()).isEqualTo(AuthorizerEndpoint.OPERATION));
        }

        String alarm = resource(template(), "AuthorizerErrorsAlarm");
        Set<String> subtracted = new TreeSet<>();
        Matcher reason = Pattern.compile("- Name: Reason\\s+Value: (\\S+)").matcher(alarm);
        while (reason.find()) {
            subtracted.add(reason.group(1));
        }
        assertThat(subtracted).isEqualTo(reasons).hasSize(5);
        assertThat(alarm).contains("- Name: Operation\n                  Value: " + AuthorizerEndpoint.OPERATION);
    }

    /**
     * The template's MintedTokensRemain alarm watches the metric exactly as the functions publish it. CloudWatch
     * keeps one series per full dimension set of an EMF line and an alarm names one series per metric, so an alarm
     * short of a dimension, or with one too many, or naming another function or operation, never fires. Every
     * function whose handler counts the metric must be in its sum.
     */
    @Test
    void theMintedTokensRemainAlarmInTheTemplateSumsEverySeriesTheRevokeFunctionsPublishItUnder() throws Exception {
        // A partner's token that minted for its merchant, whose revoke-all record is then lost: each revocation of the
        // partner's token (again, when already revoked) fails on the child and so counts MintedTokensRemain.
        Response partners = gk.requestToken(PARTNER_KEY, "{\"scopes\":[\"bankadmin\"],\"expiresIn\":600}");
        assertThat(gk.invoke(RequestOrganisationTokenHandler::new, ApiEvents.post(
                "/organisations/{encodedOrganisationId}/tokens", "encodedOrganisationId", "merchant01")
                .bearer(partners.accessToken()).json(ISSUE_BODY).build()).status()).isEqualTo(201);
        assertThat(gk.invoke(RevokeOrganisationTokensHandler::new, ApiEvents.post(
                "/organisations/{encodedOrganisationId}/tokens/revoke", "encodedOrganisationId", "merchant01")
                .apiKey(PARTNER_KEY).build()).status()).isEqualTo(200);
        LocalDynamoDb.shared().client().deleteItem(request -> request.tableName(gk.tableName).key(Map.of(
                "pk", AttributeValue.fromS("merchant01"),
                "sk", AttributeValue.fromS("GENERATION#" + "0".repeat(20)))));
        List<JsonNode> lines;
        try (CapturedOutput output = CapturedOutput.start()) {
            gk.invoke(RevokeTokenHandler::new, ApiEvents.post("/tokens/{tokenId}/revoke", "tokenId", partners.tokenId())
                    .apiKey(PARTNER_KEY).build());
            gk.invoke(RevokeOrganisationTokenHandler::new, ApiEvents.post(
                    "/organisations/{encodedOrganisationId}/tokens/{tokenId}/revoke",
                    "encodedOrganisationId", "partner001", "tokenId", partners.tokenId()).apiKey(PARTNER_KEY).build());
            gk.invoke(OAuthRevokeTokenHandler::new, ApiEvents.post("/oauth2/revoke").apiKey(PARTNER_KEY)
                    .form("token=" + URLEncoder.encode(partners.accessToken(), StandardCharsets.UTF_8)).build());
            lines = output.metricLines();
        }
        String template = template();

        // Each series as the alarm must name it: the function's dimension is the deployed function's name, which
        // the template gives as a Ref to the function whose handler published the line.
        Set<Map<String, String>> published = new HashSet<>();
        Set<String> publishingHandlers = new TreeSet<>();
        for (JsonNode line : lines) {
            assertThat(line.get(MINTED_TOKENS_REMAIN_METRIC).asLong()).as(line.toString()).isEqualTo(1);
            publishingHandlers.add(line.get("Function").asText());
            for (JsonNode directive : line.at("/_aws/CloudWatchMetrics")) {
                if (!declared(directive).contains(MINTED_TOKENS_REMAIN_METRIC + ":Count")) {
                    continue;
                }
                for (JsonNode dimensionSet : directive.get("Dimensions")) {
                    Map<String, String> series = new TreeMap<>();
                    dimensionSet.forEach(dimension -> series.put(dimension.asText(),
                            dimension.asText().equals("Function")
                                    ? "!Ref " + functionWithHandler(template, line.get("Function").asText())
                                    : line.get(dimension.asText()).asText()));
                    published.add(series);
                }
            }
        }
        assertThat(publishingHandlers).containsExactly("OAuthRevokeTokenHandler", "RevokeOrganisationTokenHandler",
                "RevokeTokenHandler");
        // Nothing else counts it: a handler added later that does must be added to the alarm, and to this test.
        assertThat(handlersCountingRevocations()).isEqualTo(publishingHandlers);

        String alarm = resource(template, "MintedTokensRemainAlarm");
        Set<Map<String, String>> watched = new HashSet<>();
        List<String> ids = new ArrayList<>();
        Matcher metric = Pattern.compile("- Id: (\\w+)\\s+MetricStat:\\s+Metric:\\s+Namespace: ([^\\n]+)\\s+"
                + "MetricName: (\\w+)\\s+Dimensions:\\n((?:\\s+- Name: \\w+\\s+Value: [^\\n]+\\n)+)").matcher(alarm);
        while (metric.find()) {
            ids.add(metric.group(1));
            assertThat(metric.group(2)).isEqualTo("!Ref MetricsNamespace");
            assertThat(metric.group(3)).isEqualTo(MINTED_TOKENS_REMAIN_METRIC);
            Map<String, String> series = new TreeMap<>();
            Matcher dimension = Pattern.compile("- Name: (\\w+)\\s+Value: ([^\\n]+)").matcher(metric.group(4));
            while (dimension.find()) {
                assertThat(series.put(dimension.group(1), dimension.group(2))).as("a dimension named twice").isNull();
            }
            watched.add(series);
        }
        assertThat(watched).hasSize(ids.size()).isEqualTo(published);
        // The functions publish to the namespace the alarm watches.
        assertThat(template).contains("METRICS_NAMESPACE: !Ref MetricsNamespace");
        // One expression, returned, summing each series once, with no other metric in the alarm.
        assertThat(Pattern.compile("- Id: ").matcher(alarm).results().count()).isEqualTo(ids.size() + 1);
        Matcher sum = Pattern.compile("Expression: ([^\\n]+)\\s+ReturnData: true").matcher(alarm);
        assertThat(sum.find()).as("the alarm's returned expression").isTrue();
        assertThat(sum.group(1).split(" \\+ "))
                .containsExactlyInAnyOrderElementsOf(ids.stream().map(id -> "FILL(" + id + ", 0)").toList());
        assertThat(Pattern.compile("ReturnData: true").matcher(alarm).results().count()).isOne();
    }

    @Test
    void anOutageCountsOneDependencyError() {
        MotoServer.shared().secretsManager().deleteSecret(DeleteSecretRequest.builder()
                .secretId(gk.secretArn).forceDeleteWithoutRecovery(true).build());

        JsonNode metrics = metricsOf(() -> requestToken(ApiEvents.post("/tokens").apiKey(MERCHANT_KEY).json(ISSUE_BODY)));

        assertThat(declared(metrics, "[[\"Function\",\"Operation\"]]"))
                .containsExactly("Latency:Milliseconds", "DependencyErrors:Count");
        assertThat(metrics.get("DependencyErrors").asLong()).isEqualTo(1);
        assertThat(metrics.has("TokensIssued")).isFalse();
    }

    /** The metric names a directive of an EMF document declares, each as Name:Unit. */
    private static List<String> declared(JsonNode directive) {
        List<String> metrics = new ArrayList<>();
        directive.get("Metrics").forEach(metric -> metrics.add(metric.get("Name").asText() + ":" + metric.get("Unit").asText()));
        return metrics;
    }

    private static String template() throws IOException {
        return Files.readString(REPO_ROOT.resolve("template.yaml"));
    }

    /** The text of a resource of the template, up to the blank line that ends it. */
    private static String resource(String template, String logicalId) {
        Matcher resource = Pattern.compile("\\n  " + logicalId + ":\\n(.*?)\\n\\n", Pattern.DOTALL).matcher(template);
        assertThat(resource.find()).as(logicalId + " in template.yaml").isTrue();
        return resource.group(1);
    }

    /** The logical id of the template's function whose handler is the class of this simple name, as deployed. */
    private static String functionWithHandler(String template, String handlerSimpleName) {
        String handler = RevokeTokenHandler.class.getPackageName() + "." + handlerSimpleName + "::handleRequest";
        Matcher function = Pattern.compile("\\n  (\\w+):\\n    Type: AWS::Serverless::Function\\n    Properties:\\n"
                + "(?:      [^\\n]*\\n)*?      Handler: " + Pattern.quote(handler) + "\\n").matcher(template);
        assertThat(function.find()).as("a function with handler " + handler + " in template.yaml").isTrue();
        return function.group(1);
    }

    /** The classes whose source counts a revoked token (each may publish MintedTokensRemain), by simple name. */
    private static Set<String> handlersCountingRevocations() throws IOException {
        Set<String> counting = new TreeSet<>();
        try (Stream<Path> sources = Files.walk(REPO_ROOT.resolve("functions/src/main/java"))) {
            for (Path source : sources.filter(path -> path.toString().endsWith(".java")).toList()) {
                String name = source.getFileName().toString().replace(".java", "");
                if (!name.equals("RequestMetrics") && Files.readString(source).contains("tokenRevoked")) {
                    counting.add(name);
                }
            }
        }
        return counting;
    }

    /** A request whose credentials are refused, and the reason it must be counted under (none for a non-auth failure). */
    private record Refused(ApiEvents event, String reason) {
    }
}
