package dev.gatekeeper.adapter.secretsmanager;

import dev.gatekeeper.core.keys.InvalidSigningKeysException;
import dev.gatekeeper.core.keys.PublicKeySource;
import dev.gatekeeper.core.keys.VerificationKeySet;
import dev.gatekeeper.core.keys.VerificationKeySetJson;
import java.util.Objects;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The public key set as the rotation function writes it to its own Secrets Manager secret (format:
 * {@link VerificationKeySetJson}), read at {@code AWSCURRENT}: what verify-only functions load. A secret that is
 * missing, holds anything but a public key set, or holds a private key (the signing key secret named by mistake) is
 * {@link InvalidSigningKeysException}, so the function fails closed; an outage stays the SDK's exception.
 */
public final class SecretsManagerPublicKeySource implements PublicKeySource {
    private final SecretsManagerClient client;
    private final String secretId;

    public SecretsManagerPublicKeySource(SecretsManagerClient client, String secretId) {
        this.client = Objects.requireNonNull(client, "client");
        this.secretId = Objects.requireNonNull(secretId, "secretId");
    }

    @Override
    public VerificationKeySet load() {
        return VerificationKeySetJson.parse(CurrentSecretValue.read(client, secretId, "the public key secret"));
    }
}
