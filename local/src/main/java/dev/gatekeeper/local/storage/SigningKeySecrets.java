package dev.gatekeeper.local.storage;

import dev.gatekeeper.core.keys.InvalidSigningKeysException;
import dev.gatekeeper.core.keys.SigningAlgorithm;
import dev.gatekeeper.core.keys.SigningKeySet;
import dev.gatekeeper.core.keys.SigningKeySetJson;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * Gives the signing key secret in an emulator a usable key set, as the first rotation does right after a deploy:
 * created if missing, and a value that is no key set (such as CloudFormation's generated placeholder) replaced, with
 * one new key of the configured algorithm. A usable key set is left as it is, whatever its algorithm.
 */
public final class SigningKeySecrets {
    private SigningKeySecrets() {
    }

    public static void ensure(SecretsManagerClient client, String secretId, SigningAlgorithm algorithm, Clock clock,
                              Consumer<String> log) {
        String current;
        try {
            current = client.getSecretValue(request -> request.secretId(secretId).versionStage("AWSCURRENT")).secretString();
        } catch (ResourceNotFoundException e) {
            current = null;
            try {
                client.createSecret(request -> request.name(secretId).secretString(newKeySet(algorithm, clock)));
                log.accept("Created secret " + secretId + " with a new " + algorithm + " signing key");
                return;
            } catch (ResourceExistsException exists) {
                // The secret exists but has no current value yet: give it one below.
            }
        }
        if (current != null && usable(current)) {
            return;
        }
        client.putSecretValue(request -> request.secretId(secretId).secretString(newKeySet(algorithm, clock)));
        log.accept("Gave secret " + secretId + " a new " + algorithm + " signing key (it held no usable key set)");
    }

    private static boolean usable(String value) {
        try {
            SigningKeySetJson.parse(value);
            return true;
        } catch (InvalidSigningKeysException e) {
            return false;
        }
    }

    private static String newKeySet(SigningAlgorithm algorithm, Clock clock) {
        return SigningKeySetJson.format(new SigningKeySet(SigningKeySetJson.generateKey(algorithm, clock.instant()), List.of()));
    }
}
