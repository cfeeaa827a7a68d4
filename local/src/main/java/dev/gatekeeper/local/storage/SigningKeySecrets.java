package dev.gatekeeper.local.storage;

import dev.gatekeeper.adapter.secretsmanager.SecretsManagerSigningKeySource;
import dev.gatekeeper.core.keys.InvalidSigningKeysException;
import dev.gatekeeper.core.keys.SigningAlgorithm;
import dev.gatekeeper.core.keys.SigningKeySet;
import dev.gatekeeper.core.keys.SigningKeySetJson;
import dev.gatekeeper.core.keys.VerificationKeySet;
import dev.gatekeeper.core.keys.VerificationKeySetJson;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * Gives the signing key secret in an emulator a usable key set, as the first rotation does right after a deploy:
 * created if missing, and a value that is no key set (such as CloudFormation's generated placeholder) replaced, with
 * one new key of the configured algorithm. A usable key set is left as it is, whatever its algorithm. Likewise the
 * public key secret gets the public halves of that key set ({@link #ensurePublished}), as rotation publishes them.
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

    /**
     * Makes the public key secret hold the public halves of the signing key secret's current set (creating it if
     * missing) unless it already holds a public key set that knows the key signing now; the signing key secret must
     * be usable (see {@link #ensure}). A set that knows it is left alone, whatever else it holds: between a
     * rotation's setSecret and finishSecret it rightly holds the next set too, and replacing it would fail the
     * rotation's testSecret.
     */
    public static void ensurePublished(SecretsManagerClient client, String signingSecretId, String publicSecretId,
                                       Consumer<String> log) {
        SigningKeySet signing = new SecretsManagerSigningKeySource(client, signingSecretId).load();
        String value = VerificationKeySetJson.format(signing.verificationKeys());
        try {
            String current = client.getSecretValue(request -> request.secretId(publicSecretId)
                    .versionStage("AWSCURRENT")).secretString();
            VerificationKeySet published = current == null ? null : parsedOrNull(current);
            if (published != null && published.find(signing.current().kid())
                    .filter(signing.current().verificationKey()::equals).isPresent()) {
                return;
            }
        } catch (ResourceNotFoundException e) {
            try {
                client.createSecret(request -> request.name(publicSecretId).secretString(value));
                log.accept("Created secret " + publicSecretId + " with the public keys of " + signingSecretId);
                return;
            } catch (ResourceExistsException exists) {
                // The secret exists but has no current value yet: give it one below.
            }
        }
        client.putSecretValue(request -> request.secretId(publicSecretId).secretString(value));
        log.accept("Gave secret " + publicSecretId + " the public keys of " + signingSecretId);
    }

    private static VerificationKeySet parsedOrNull(String value) {
        try {
            return VerificationKeySetJson.parse(value);
        } catch (InvalidSigningKeysException e) {
            return null;
        }
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
