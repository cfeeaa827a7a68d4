package dev.gatekeeper.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatekeeper.adapter.secretsmanager.SecretsManagerPublicKeySource;
import dev.gatekeeper.adapter.secretsmanager.SecretsManagerSigningKeySource;
import dev.gatekeeper.core.keys.SigningKeySet;
import dev.gatekeeper.core.keys.SigningKeySetJson;
import dev.gatekeeper.testing.MotoServer;
import dev.gatekeeper.testing.TestKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The events of functions nothing calls over HTTP, through {@code invoke}: each read as the type its handler
 * declares. The rotation function builds its own Secrets Manager client from its environment, so it runs against
 * moto server, pointed at it with --aws-endpoint.
 */
class NonApiEventsTest {
    /** What events/rotate-signing-key.json names: the secret of events/env.json and one rotation's token. */
    private static final String SECRET = "gatekeeper-signing-keys";
    private static final String PUBLIC_SECRET = "gatekeeper-public-keys";
    private static final String ROTATION_TOKEN = "0b5f1c7e-2d4a-4e8b-9c3f-6a7d8e9f0a1b";

    @TempDir
    Path temporary;

    @Test
    void theRotationEventRotatesTheSigningKeyInAnEmulatorInFourSteps() throws IOException {
        MotoServer moto = MotoServer.shared();
        SecretsManagerClient secrets = moto.secretsManager();
        secrets.createSecret(request -> request.name(SECRET)
                .secretString(SigningKeySetJson.format(TestKeys.only(TestKeys.FIRST))));
        startRotation(moto, ROTATION_TOKEN);

        for (String step : List.of("createSecret", "setSecret", "testSecret", "finishSecret")) {
            Path event = step.equals("createSecret") ? Repository.event("rotate-signing-key.json") : withStep(step);
            Console console = new Console();

            int status = console.runner().run("invoke", "RotateSigningKeyFunction", "-e", event.toString(),
                    "--env-vars", Repository.event("env.json").toString(), "--aws-endpoint", moto.endpoint().toString(),
                    "--in-memory", "--template", Repository.template().toString());

            assertThat(status).as(step + ": " + console.err()).isZero();
            assertThat(console.out().trim()).isEqualTo("null");
        }
        SigningKeySet keys = new SecretsManagerSigningKeySource(secrets, SECRET).load();
        assertThat(keys.current().kid()).isNotEqualTo(TestKeys.FIRST.kid());
        assertThat(keys.previous()).containsExactly(TestKeys.FIRST);
        assertThat(new SecretsManagerPublicKeySource(secrets, PUBLIC_SECRET).load())
                .as("the public key secret of events/env.json, published by the rotation").isEqualTo(keys.verificationKeys());
    }

    @Test
    void theRotationFunctionCannotRunWithoutAnEmulatorAndSaysWhy() {
        Console console = new Console();

        int status = console.runner().run("invoke", "RotateSigningKeyFunction", "-e",
                Repository.event("rotate-signing-key.json").toString(), "--in-memory",
                "--template", Repository.template().toString());

        assertThat(status).isEqualTo(1);
        assertThat(console.err()).contains("--aws-endpoint");
        assertThat(console.out()).isEmpty();
    }

    @Test
    void theAuthorizerEventIsReadAsTheHandlersEventTypeAndAnsweredWithItsPolicy() throws IOException {
        Path data = temporary.resolve("data");
        Console issuing = new Console();
        assertThat(issuing.runner().run("invoke", "RequestTokenFunction", "-e", Repository.event("request-token.json").toString(),
                "--data-dir", data.toString(), "--seed", Repository.seed().toString(),
                "--template", Repository.template().toString())).as(issuing.err()).isZero();
        String token = SampleEventsTest.readJson(SampleEventsTest.readJson(issuing.out()).get("body").asText())
                .get("data").get("accessToken").asText();
        Console authorizing = new Console();

        int status = authorizing.runner().run("invoke", "TokenAuthorizerFunction", "-e", withBearer(token).toString(),
                "--data-dir", data.toString(), "--template", Repository.template().toString());

        assertThat(status).as(authorizing.err()).isZero();
        JsonNode policy = SampleEventsTest.readJson(authorizing.out());
        assertThat(policy.get("principalId").asText()).isNotEmpty();
        assertThat(policy.get("policyDocument").get("Statement").get(0).get("Effect").asText()).isEqualTo("Allow");
    }

    @Test
    void theAuthorizerEventAsCommittedCarriesAnUnknownKeySoTheFunctionAnswersUnauthorized() {
        Console console = new Console();

        int status = console.runner().run("invoke", "TokenAuthorizerFunction", "-e",
                Repository.event("token-authorizer.json").toString(), "--in-memory",
                "--template", Repository.template().toString());

        assertThat(status).isEqualTo(1);
        assertThat(SampleEventsTest.readJson(console.out()).get("errorMessage").asText()).isEqualTo("Unauthorized");
    }

    /**
     * Leaves the secret as Secrets Manager does before it invokes the rotation function, with the client request
     * token the event names: moto's harness starts a rotation (registering a rotation function) under a random
     * token, which is set aside for one with the event's token.
     */
    private static void startRotation(MotoServer moto, String token) {
        SecretsManagerClient secrets = moto.secretsManager();
        moto.startRotation(SECRET);
        var secret = secrets.describeSecret(request -> request.secretId(SECRET));
        secret.versionIdsToStages().forEach((version, stages) -> {
            if (stages.contains("AWSPENDING") && !stages.contains("AWSCURRENT")) {
                secrets.updateSecretVersionStage(request -> request.secretId(SECRET).versionStage("AWSPENDING")
                        .removeFromVersionId(version));
            }
        });
        secrets.rotateSecret(request -> request.secretId(SECRET).clientRequestToken(token)
                .rotationLambdaARN(secret.rotationLambdaARN())
                .rotationRules(rules -> rules.automaticallyAfterDays(30L)));
    }

    private Path withStep(String step) throws IOException {
        ObjectNode event = (ObjectNode) SampleEventsTest.readJson(Files.readString(Repository.event("rotate-signing-key.json")));
        event.put("Step", step);
        return write("rotate-" + step + ".json", event);
    }

    private Path withBearer(String token) throws IOException {
        ObjectNode event = (ObjectNode) SampleEventsTest.readJson(Files.readString(Repository.event("token-authorizer.json")));
        ((ObjectNode) event.get("headers")).put("Authorization", "Bearer " + token);
        ArrayNode values = ((ObjectNode) event.get("multiValueHeaders")).putArray("Authorization");
        values.add("Bearer " + token);
        return write("token-authorizer.json", event);
    }

    private Path write(String name, JsonNode json) throws IOException {
        Path file = temporary.resolve(name);
        Files.writeString(file, json.toString());
        return file;
    }

}
