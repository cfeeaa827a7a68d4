package dev.gatekeeper.handler;

import static dev.gatekeeper.testing.GatekeeperFixture.FILTERED_MERCHANT_KEY;
import static dev.gatekeeper.testing.GatekeeperFixture.GROUP_KEY;
import static dev.gatekeeper.testing.GatekeeperFixture.MERCHANT_KEY;
import static dev.gatekeeper.testing.GatekeeperFixture.OTHER_MERCHANT_KEY;
import static dev.gatekeeper.testing.GatekeeperFixture.OTHER_PARTNER_KEY;
import static dev.gatekeeper.testing.GatekeeperFixture.PARTNER_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.events.SecretsManagerRotationEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import dev.gatekeeper.core.keys.SigningKey;
import dev.gatekeeper.adapter.secretsmanager.SecretsManagerSigningKeySource;
import dev.gatekeeper.adapter.secretsmanager.SigningKeyRotation;
import dev.gatekeeper.api.ApiEndpoint;
import dev.gatekeeper.api.AuthorizerEndpoint;
import dev.gatekeeper.config.Gatekeeper;
import dev.gatekeeper.core.apikey.ApiKeyHash;
import dev.gatekeeper.core.keys.KeyRetention;
import dev.gatekeeper.core.keys.SigningAlgorithm;
import dev.gatekeeper.testing.ApiEvents;
import dev.gatekeeper.testing.AuthorizerEvents;
import dev.gatekeeper.testing.CapturedOutput;
import dev.gatekeeper.testing.ForgedToken;
import dev.gatekeeper.testing.GatekeeperFixture;
import dev.gatekeeper.testing.GatekeeperFixture.Response;
import dev.gatekeeper.testing.MotoServer;
import dev.gatekeeper.testing.TestKeys;
import dev.gatekeeper.testing.TestLambdaContext;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.model.DeleteSecretRequest;

/**
 * Logs reach more people than credentials may: every handler, on its success and its error paths (refused
 * credentials, bad input, outages, an unexpected failure), must log no API key, no presented or issued token, no
 * API key hash and no private key parameter, and every request must log exactly one line saying who asked what and
 * how it ended.
 */
class NoSecretsInLogsTest {
    private static final String ISSUE_BODY = "{\"scopes\":[\"admin\",\"openbanking_pisp\"],\"expiresIn\":600}";
    private static final String APPLICATION_BODY = "{\"products\":[\"open_banking_pis\"],\"resourceId\":\"8ow24y2pdx\"}";
    private static final String NEVER_ISSUED_KEY = "gk_never_issued_key_0000000000000000000000000000";

    private final GatekeeperFixture gk = GatekeeperFixture.create();
    /** A second service whose signing key secret is gone: every key use is a 503. */
    private final GatekeeperFixture keyless = GatekeeperFixture.create();
    private final Set<String> secrets = new LinkedHashSet<>();
    private int requests;

    @Test
    void everyOperationOnItsSuccessAndErrorPathsLogsNoCredentialTokenOrKeyMaterialAndOneOutcomeLinePerRequest()
            throws Exception {
        Stream.of(GROUP_KEY, PARTNER_KEY, MERCHANT_KEY, FILTERED_MERCHANT_KEY, OTHER_PARTNER_KEY, OTHER_MERCHANT_KEY,
                NEVER_ISSUED_KEY).forEach(this::knownApiKey);
        knownPrivateKey(TestKeys.FIRST);
        for (String secret : List.of(keyless.secretArn, keyless.publicSecretArn)) {
            MotoServer.shared().secretsManager().deleteSecret(DeleteSecretRequest.builder()
                    .secretId(secret).forceDeleteWithoutRecovery(true).build());
        }
        Gatekeeper tableDown = gk.gatekeeperWith(unreachableDynamoDb());
        Gatekeeper broken = gk.gatekeeperWith(failingDynamoDb());
        String rotatedSecret = MotoServer.shared().createSigningKeySecret(TestKeys.only(TestKeys.FIRST));
        String rotationVersion = MotoServer.shared().startRotation(rotatedSecret);
        RotateSigningKeyHandler rotation = new RotateSigningKeyHandler(new SigningKeyRotation(
                MotoServer.shared().secretsManager(), Clock.systemUTC(),
                KeyRetention.forGatekeeperTokens(KeyRetention.DEFAULT_MAX_KEYS), SigningAlgorithm.RS256, MotoServer.shared().createPublicKeySecret(TestKeys.only(TestKeys.FIRST))));

        try (CapturedOutput output = CapturedOutput.start()) {
            // Tokens for oneself: API key, bearer token, and each way credentials or input are refused.
            String merchantToken = api(RequestTokenHandler::new, post("/tokens").apiKey(MERCHANT_KEY).json(ISSUE_BODY), 201).accessToken();
            String pispOnlyToken = api(RequestTokenHandler::new,
                    post("/tokens").apiKey(MERCHANT_KEY).json("{\"scopes\":[\"openbanking_pisp\"]}"), 201).accessToken();
            api(RequestTokenHandler::new, post("/tokens").bearer(merchantToken).json(ISSUE_BODY), 201);
            api(RequestTokenHandler::new, post("/tokens").bearer(pispOnlyToken).json(ISSUE_BODY), 403);
            api(RequestTokenHandler::new, post("/tokens").json(ISSUE_BODY), 401);
            api(RequestTokenHandler::new, post("/tokens").apiKey(NEVER_ISSUED_KEY).json(ISSUE_BODY), 401);
            api(RequestTokenHandler::new, post("/tokens").header("Authorization", "Basic " + MERCHANT_KEY).json(ISSUE_BODY), 401);
            api(RequestTokenHandler::new, post("/tokens").apiKey(FILTERED_MERCHANT_KEY).from("10.9.8.7").json(ISSUE_BODY), 403);
            api(RequestTokenHandler::new, post("/tokens").apiKey(MERCHANT_KEY).json("{\"scopes\":"), 400);
            api(RequestTokenHandler::new, post("/tokens").apiKey(MERCHANT_KEY).json("{\"scopes\":[\"admin\"],\"expiresIn\":1}"), 422);
            api(RequestTokenHandler::new, post("/tokens").apiKey(MERCHANT_KEY).header("Content-Type", "text/plain").body(ISSUE_BODY), 415);
            for (ForgedToken forged : ForgedToken.values()) {
                api(RequestTokenHandler::new, post("/tokens").bearer(presented(forged.from(merchantToken, gk.clock.instant()))).json(ISSUE_BODY), 401);
            }

            // Tokens a partner requests for its merchant, by API key and by bearer token.
            String partnerToken = api(RequestTokenHandler::new,
                    post("/tokens").apiKey(PARTNER_KEY).json("{\"scopes\":[\"bankadmin\",\"application_tokens\"]}"), 201).accessToken();
            String forMerchant = api(RequestOrganisationTokenHandler::new,
                    postFor("/organisations/{encodedOrganisationId}/tokens", "merchant01").apiKey(PARTNER_KEY).json(ISSUE_BODY), 201).accessToken();
            api(RequestOrganisationTokenHandler::new,
                    postFor("/organisations/{encodedOrganisationId}/tokens", "merchant01").bearer(partnerToken).json(ISSUE_BODY), 201);
            api(RequestOrganisationTokenHandler::new,
                    postFor("/organisations/{encodedOrganisationId}/tokens", "merchant01").apiKey(MERCHANT_KEY).json(ISSUE_BODY), 403);
            api(RequestOrganisationTokenHandler::new,
                    postFor("/organisations/{encodedOrganisationId}/tokens", "merchant99").apiKey(PARTNER_KEY).json(ISSUE_BODY), 404);

            // Application tokens.
            api(RequestApplicationTokenHandler::new, post("/applications/tokens").apiKey(MERCHANT_KEY).json(APPLICATION_BODY), 201);
            api(RequestApplicationTokenHandler::new, post("/applications/tokens").apiKey(PARTNER_KEY).json(APPLICATION_BODY), 403);
            api(RequestOrganisationApplicationTokenHandler::new, postFor("/organisations/{encodedOrganisationId}/applications/tokens",
                    "merchant01").bearer(partnerToken).json(APPLICATION_BODY), 201);
            api(RequestOrganisationApplicationTokenHandler::new, postFor("/organisations/{encodedOrganisationId}/applications/tokens",
                    "merchant99").apiKey(PARTNER_KEY).json(APPLICATION_BODY), 404);

            // The JWKS and introspection.
            api(JwksHandler::new, ApiEvents.get("/.well-known/jwks.json"), 200);
            api(IntrospectTokenHandler::new, post("/oauth2/introspect").apiKey(PARTNER_KEY).form(tokenForm(forMerchant)), 200);
            api(IntrospectTokenHandler::new, post("/oauth2/introspect").apiKey(OTHER_PARTNER_KEY).form(tokenForm(forMerchant)), 200);
            api(IntrospectTokenHandler::new, post("/oauth2/introspect").bearer(partnerToken).form(tokenForm(forMerchant)), 401);
            api(IntrospectTokenHandler::new, post("/oauth2/introspect").apiKey(PARTNER_KEY).form("token_type_hint=access_token"), 400);

            // The authorizer of other APIs, while the tokens are live.
            authorize(AuthorizerEvents.request().bearer(merchantToken), "allow");
            authorize(AuthorizerEvents.request().apiKey(PARTNER_KEY), "allow");
            authorize(AuthorizerEvents.request().apiKey(FILTERED_MERCHANT_KEY).from("10.9.8.7"), "deny");
            authorize(AuthorizerEvents.request().apiKey(NEVER_ISSUED_KEY), "unauthorized");
            authorize(AuthorizerEvents.request().bearer(presented(ForgedToken.WRONG_AUDIENCE.from(merchantToken, gk.clock.instant()))), "unauthorized");
            authorize(AuthorizerEvents.request(), "unauthorized");

            // Revocation: one token, through both paths and RFC 7009, then everything; a revoked token is refused.
            String merchantTokenId = idOf(merchantToken);
            api(RevokeTokenHandler::new, postWith("/tokens/{tokenId}/revoke", "tokenId", merchantTokenId).apiKey(MERCHANT_KEY), 200);
            api(RevokeTokenHandler::new, postWith("/tokens/{tokenId}/revoke", "tokenId", "not-a-token-id").apiKey(MERCHANT_KEY), 404);
            api(RequestTokenHandler::new, post("/tokens").bearer(merchantToken).json(ISSUE_BODY), 401);
            authorize(AuthorizerEvents.request().bearer(merchantToken), "unauthorized");
            api(RevokeOrganisationTokenHandler::new, ApiEvents.post("/organisations/{encodedOrganisationId}/tokens/{tokenId}/revoke",
                    "encodedOrganisationId", "merchant01", "tokenId", idOf(forMerchant)).apiKey(PARTNER_KEY), 200);
            api(RevokeOrganisationTokenHandler::new, ApiEvents.post("/organisations/{encodedOrganisationId}/tokens/{tokenId}/revoke",
                    "encodedOrganisationId", "merchant99", "tokenId", idOf(forMerchant)).apiKey(PARTNER_KEY), 404);
            api(OAuthRevokeTokenHandler::new, post("/oauth2/revoke").apiKey(MERCHANT_KEY).form(tokenForm(pispOnlyToken)), 200);
            api(OAuthRevokeTokenHandler::new, post("/oauth2/revoke").apiKey(MERCHANT_KEY)
                    .form(tokenForm(presented(ForgedToken.UNKNOWN_KID.from(partnerToken, gk.clock.instant())))), 200);
            api(RevokeAllTokensHandler::new, post("/tokens/revoke").apiKey(MERCHANT_KEY), 200);
            api(RevokeAllTokensHandler::new, post("/tokens/revoke").bearer(partnerToken), 200);
            api(RevokeAllTokensHandler::new, post("/tokens/revoke").bearer(partnerToken), 401);
            api(RevokeOrganisationTokensHandler::new, postFor("/organisations/{encodedOrganisationId}/tokens/revoke", "merchant01")
                    .apiKey(PARTNER_KEY), 200);
            api(RevokeOrganisationTokensHandler::new, postFor("/organisations/{encodedOrganisationId}/tokens/revoke", "merchant01")
                    .apiKey(MERCHANT_KEY), 403);

            // Outages (503) and an unexpected failure (500): the logs carry the cause, still no secret.
            String live = api(RequestTokenHandler::new, post("/tokens").apiKey(MERCHANT_KEY).json(ISSUE_BODY), 201).accessToken();
            api(keyless, RequestTokenHandler::new, post("/tokens").apiKey(MERCHANT_KEY).json(ISSUE_BODY), 503);
            api(keyless, JwksHandler::new, ApiEvents.get("/.well-known/jwks.json"), 503);
            authorize(keyless.verifying, AuthorizerEvents.request().bearer(live), "error");
            api(tableDown, RequestTokenHandler::new, post("/tokens").apiKey(MERCHANT_KEY).json(ISSUE_BODY), 503);
            api(tableDown, RevokeAllTokensHandler::new, post("/tokens/revoke").bearer(live), 503);
            authorize(tableDown, AuthorizerEvents.request().apiKey(MERCHANT_KEY), "error");
            api(broken, RequestTokenHandler::new, post("/tokens").apiKey(MERCHANT_KEY).json(ISSUE_BODY), 500);
            api(broken, IntrospectTokenHandler::new, post("/oauth2/introspect").apiKey(PARTNER_KEY).form(tokenForm(live)), 500);
            authorize(broken, AuthorizerEvents.request().bearer(live), "error");

            // Key rotation, whose every step holds private keys in memory.
            for (String step : List.of("createSecret", "setSecret", "testSecret", "finishSecret")) {
                rotation.handleRequest(rotationEvent(step, rotatedSecret, rotationVersion), new TestLambdaContext("RotateSigningKeyHandler"));
            }
            new SecretsManagerSigningKeySource(MotoServer.shared().secretsManager(), rotatedSecret).load().all()
                    .forEach(this::knownPrivateKey);

            List<String> leaks = output.text().lines()
                    .filter(line -> secrets.stream().anyMatch(line::contains))
                    .toList();
            assertThat(leaks).as("lines that hold a secret").isEmpty();

            List<JsonNode> requestLines = Stream.concat(output.logLinesOf(ApiEndpoint.class).stream(),
                    output.logLinesOf(AuthorizerEndpoint.class).stream()).toList();
            assertThat(requestLines).as("one line per request").hasSize(requests);
            assertThat(output.metricLines()).as("one metric line per request").hasSize(requests);
            for (JsonNode line : requestLines) {
                assertThat(List.of("requestId", "function", "operation", "outcome"))
                        .allSatisfy(field -> assertThat(line.path(field).asText()).as(field + " in " + line).isNotBlank());
                boolean serverError = line.get("outcome").asText().startsWith("5") || line.get("outcome").asText().equals("error");
                if (serverError) {
                    assertThat(line.path("level").asText()).isEqualTo("ERROR");
                    assertThat(line.at("/error/type").asText()).as("error type in " + line).isNotBlank();
                    assertThat(line.at("/error/stackTrace").asText()).as("stack trace in " + line).contains("\tat ");
                } else {
                    assertThat(line.path("level").asText()).isEqualTo("INFO");
                    assertThat(line.has("error")).as("a stack trace for a " + line.get("outcome") + ": " + line).isFalse();
                }
            }
            List<JsonNode> ourLines = output.logLines().stream()
                    .filter(line -> line.path("logger").asText().startsWith("dev.gatekeeper.")).toList();
            assertThat(ourLines).allSatisfy(line -> {
                assertThat(line.path("requestId").asText()).as("requestId in " + line).isNotBlank();
                assertThat(line.path("function").asText()).as("function in " + line).isNotBlank();
            });
            assertThat(ourLines.stream().map(line -> line.get("function").asText()).collect(Collectors.toSet()))
                    .as("every handler was run").containsExactlyInAnyOrderElementsOf(handlerClassNames());
        }
    }

    private <H extends RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent>> Response api(
            Function<Gatekeeper, H> handler, ApiEvents event, int status) {
        return api(gk, handler, event, status);
    }

    /** The handler with the service its function gets: verify-only unless it issues tokens. */
    private <H extends RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent>> Response api(
            GatekeeperFixture fixture, Function<Gatekeeper, H> handler, ApiEvents event, int status) {
        return run(fixture.handlerFor(handler), event, status);
    }

    private <H extends RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent>> Response api(
            Gatekeeper service, Function<Gatekeeper, H> handler, ApiEvents event, int status) {
        return run(handler.apply(service), event, status);
    }

    private Response run(RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> instance,
                         ApiEvents event, int status) {
        requests++;
        Response response = new Response(instance.handleRequest(event.build(),
                new TestLambdaContext(instance.getClass().getSimpleName())));
        assertThat(response.status()).as(response.raw().getBody()).isEqualTo(status);
        if (status == 201) {
            knownToken(response.accessToken());
        }
        return response;
    }

    private void authorize(AuthorizerEvents event, String outcome) {
        authorize(gk.verifying, event, outcome);
    }

    private void authorize(Gatekeeper service, AuthorizerEvents event, String outcome) {
        TokenAuthorizerHandler handler = new TokenAuthorizerHandler(service);
        TestLambdaContext context = new TestLambdaContext(TokenAuthorizerHandler.class.getSimpleName());
        requests++;
        switch (outcome) {
            case "allow", "deny" -> assertThat(handler.handleRequest(event.build(), context)).isNotNull();
            case "unauthorized" -> assertThatThrownBy(() -> handler.handleRequest(event.build(), context))
                    .isInstanceOf(AuthorizerEndpoint.Unauthorized.class);
            default -> assertThatThrownBy(() -> handler.handleRequest(event.build(), context))
                    .isInstanceOf(AuthorizerEndpoint.Unavailable.class);
        }
    }

    private static ApiEvents post(String resource) {
        return ApiEvents.post(resource);
    }

    private static ApiEvents postFor(String resource, String organisation) {
        return ApiEvents.post(resource, "encodedOrganisationId", organisation);
    }

    private static ApiEvents postWith(String resource, String parameter, String value) {
        return ApiEvents.post(resource, parameter, value);
    }

    private static String tokenForm(String token) {
        return "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
    }

    private static String idOf(String token) throws Exception {
        return com.nimbusds.jwt.SignedJWT.parse(token).getJWTClaimsSet().getJWTID();
    }

    /** An API key, as presented (Basic) and as stored (its hash). */
    private void knownApiKey(String key) {
        secrets.add(key);
        secrets.add(ApiEvents.basic(key).substring("Basic ".length()));
        ApiKeyHash hash = ApiKeyHash.of(key);
        secrets.add(hash.value());
        secrets.add(HexFormat.of().formatHex(Base64.getUrlDecoder().decode(hash.value())));
    }

    /** A token, whole and its claims and signature (the header is the same for every token of a key). */
    private void knownToken(String token) {
        secrets.add(token);
        String[] parts = token.split("\\.");
        secrets.add(parts[1]);
        if (parts.length > 2 && !parts[2].isEmpty()) {
            secrets.add(parts[2]);
        }
    }

    private String presented(String token) {
        knownToken(token);
        return token;
    }

    /** The private parameters of a key (RSA: d p q dp dq qi; EC: d), as a JWK holds them and as numbers. */
    private void knownPrivateKey(SigningKey signingKey) {
        List<Base64URL> parameters = signingKey.privateJwk() instanceof RSAKey key
                ? List.of(key.getPrivateExponent(), key.getFirstPrimeFactor(), key.getSecondPrimeFactor(),
                        key.getFirstFactorCRTExponent(), key.getSecondFactorCRTExponent(), key.getFirstCRTCoefficient())
                : List.of(((com.nimbusds.jose.jwk.ECKey) signingKey.privateJwk()).getD());
        for (Base64URL parameter : parameters) {
            secrets.add(parameter.toString());
            secrets.add(parameter.decodeToBigInteger().toString());
            secrets.add(parameter.decodeToBigInteger().toString(16));
        }
    }

    private static SecretsManagerRotationEvent rotationEvent(String step, String secretId, String version) {
        SecretsManagerRotationEvent event = new SecretsManagerRotationEvent();
        event.setStep(step);
        event.setSecretId(secretId);
        event.setClientRequestToken(version);
        return event;
    }

    /** Every handler class in the build, so a new handler cannot escape this test. */
    private static Set<String> handlerClassNames() throws Exception {
        Path classes = Path.of(RequestTokenHandler.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (Stream<Path> files = Files.list(classes.resolve("dev/gatekeeper/handler"))) {
            return files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith("Handler.class"))
                    .map(name -> name.substring(0, name.length() - ".class".length()))
                    .collect(Collectors.toSet());
        }
    }

    private static DynamoDbClient unreachableDynamoDb() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        return DynamoDbClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + closedPort))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(ApacheHttpClient.builder().build())
                .overrideConfiguration(configuration -> configuration.retryStrategy(DefaultRetryStrategy.doNotRetry()))
                .build();
    }

    /** A client that fails in a way no adapter expects: the request ends in a 500. */
    private static DynamoDbClient failingDynamoDb() {
        return (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(), new Class<?>[] {DynamoDbClient.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "serviceName" -> "dynamodb";
                    case "close" -> null;
                    case "toString" -> "failing DynamoDB client";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new IllegalStateException("unexpected failure in " + method.getName());
                });
    }
}
