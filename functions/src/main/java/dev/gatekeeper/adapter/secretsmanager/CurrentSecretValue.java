package dev.gatekeeper.adapter.secretsmanager;

import dev.gatekeeper.core.keys.InvalidSigningKeysException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/** The text of a key secret at {@code AWSCURRENT}, as both key sources read it. */
final class CurrentSecretValue {
    static final String AWSCURRENT = "AWSCURRENT";

    private CurrentSecretValue() {
    }

    /**
     * A secret that is missing or holds no text is {@link InvalidSigningKeysException}, so the service fails closed;
     * an outage stays the SDK's exception.
     *
     * @param what how the secret is named in the message ("the signing key secret")
     */
    static String read(SecretsManagerClient client, String secretId, String what) {
        String value;
        try {
            value = client.getSecretValue(request -> request.secretId(secretId).versionStage(AWSCURRENT))
                    .secretString();
        } catch (ResourceNotFoundException e) {
            throw new InvalidSigningKeysException(what + " " + secretId + " has no current value", e);
        }
        if (value == null) {
            throw new InvalidSigningKeysException(what + " " + secretId + " holds no text");
        }
        return value;
    }
}
