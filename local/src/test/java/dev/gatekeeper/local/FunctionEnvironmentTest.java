package dev.gatekeeper.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.local.template.FunctionDefinition;
import dev.gatekeeper.local.template.SamTemplate;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The environment a function starts with: the template's, then --env-vars, then --aws-endpoint, then Lambda's. */
class FunctionEnvironmentTest {
    private static final SamTemplate TEMPLATE = SamTemplate.load(Repository.template());
    private static final FunctionDefinition REQUEST_TOKEN = TEMPLATE.function("RequestTokenFunction").orElseThrow();

    @TempDir
    Path temporary;

    private final List<String> log = new ArrayList<>();

    @Test
    void withoutOverridesItIsTheTemplatesWithTheRegionLambdaSets() {
        Map<String, String> environment = host(EnvVarsFile.none(), Optional.empty()).environment(REQUEST_TOKEN);

        assertThat(environment).containsAllEntriesOf(REQUEST_TOKEN.environment().variables())
                .containsEntry("AWS_REGION", "us-east-1")
                .doesNotContainKey("AWS_ENDPOINT_URL");
    }

    @Test
    void samsEnvVarsFileSetsDeclaredVariablesAndPointsTheDockerHostAtThisMachine() {
        Map<String, String> environment = host(EnvVarsFile.read(Repository.event("env.json")), Optional.empty())
                .environment(REQUEST_TOKEN);

        assertThat(environment).containsEntry("TABLE_NAME", "gatekeeper-tokens")
                .containsEntry("SIGNING_KEY_SECRET_ARN", "gatekeeper-signing-keys")
                .containsEntry("AWS_ENDPOINT_URL", "http://127.0.0.1:4566");
    }

    @Test
    void aFunctionsOwnSectionWinsAndUndeclaredVariablesAreIgnoredWithAWarning() throws IOException {
        Path file = temporary.resolve("env.json");
        Files.writeString(file, """
                {"Parameters": {"TOKEN_ISSUER": "https://everyone.test", "NOT_DECLARED": "x"},
                 "RequestTokenFunction": {"TOKEN_ISSUER": "https://mine.test", "ALSO_NOT_DECLARED": 1}}""");

        Map<String, String> environment = host(EnvVarsFile.read(file), Optional.empty()).environment(REQUEST_TOKEN);

        assertThat(environment).containsEntry("TOKEN_ISSUER", "https://mine.test")
                .doesNotContainKeys("NOT_DECLARED", "ALSO_NOT_DECLARED");
        assertThat(log).singleElement().asString().contains("ALSO_NOT_DECLARED").contains("ignored");
    }

    @Test
    void anAwsEndpointOptionWinsOverTheEnvVarsFile() {
        Map<String, String> environment = host(EnvVarsFile.read(Repository.event("env.json")),
                Optional.of(URI.create("http://127.0.0.1:5000"))).environment(REQUEST_TOKEN);

        assertThat(environment).containsEntry("AWS_ENDPOINT_URL", "http://127.0.0.1:5000");
    }

    private FunctionHost host(EnvVarsFile envVars, Optional<URI> endpoint) {
        return new FunctionHost(TEMPLATE, Optional.empty(), endpoint, envVars, Clock.systemUTC(), UUID::randomUUID, log::add);
    }
}
