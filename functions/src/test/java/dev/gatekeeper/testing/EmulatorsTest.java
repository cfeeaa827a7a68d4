package dev.gatekeeper.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

class EmulatorsTest {

    @Test
    void whenNothingIsSetThenTestsUseDynamoDbLocalAndMoto() {
        assertThat(Emulators.from(null, null)).isEqualTo(Emulators.LOCAL);
        assertThat(Emulators.from(" ", "")).isEqualTo(Emulators.LOCAL);
    }

    @Test
    void whenOnlyTheEnvironmentNamesLocalStackThenTestsUseLocalStack() {
        assertThat(Emulators.from(null, "localstack")).isEqualTo(Emulators.LOCALSTACK);
        assertThat(Emulators.from("", "LocalStack")).isEqualTo(Emulators.LOCALSTACK);
    }

    @Test
    void whenThePropertyIsSetThenItWinsOverTheEnvironment() {
        assertThat(Emulators.from("local", "localstack")).isEqualTo(Emulators.LOCAL);
        assertThat(Emulators.from("localstack", "local")).isEqualTo(Emulators.LOCALSTACK);
    }

    @Test
    void whenTheNameIsUnknownThenTheRunFailsWithTheChoices() {
        assertThatThrownBy(() -> Emulators.from("docker", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"docker\"")
                .hasMessageContaining("\"local\"")
                .hasMessageContaining("\"localstack\"");
    }

    @Test
    void whenLocalStackIsAskedForWithoutDockerThenItFailsAtStartWithTheReason() {
        assertThatThrownBy(() -> LocalStack.start(() -> false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("gatekeeper.emulators=localstack needs a Docker engine");
    }

    @Test
    void theSharedLocalStackFailsLoudlyWithoutDockerAndOtherwiseServesBothApis() {
        if (DockerClientFactory.instance().isDockerAvailable()) {
            LocalStack localStack = LocalStack.shared();
            try (DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(localStack.endpoint())
                            .region(localStack.region()).credentialsProvider(localStack.credentials())
                            .httpClientBuilder(ApacheHttpClient.builder()).build();
                    SecretsManagerClient secrets = SecretsManagerClient.builder()
                            .endpointOverride(localStack.endpoint())
                            .region(localStack.region()).credentialsProvider(localStack.credentials())
                            .httpClientBuilder(ApacheHttpClient.builder()).build()) {
                assertThat(dynamo.listTables().sdkHttpResponse().isSuccessful()).isTrue();
                assertThat(secrets.listSecrets().sdkHttpResponse().isSuccessful()).isTrue();
            }
        } else {
            assertThatThrownBy(LocalStack::shared)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("needs a Docker engine");
            // A second use fails the same way, without probing for Docker again.
            assertThatThrownBy(LocalStack::shared).hasMessageContaining("needs a Docker engine");
        }
    }
}
