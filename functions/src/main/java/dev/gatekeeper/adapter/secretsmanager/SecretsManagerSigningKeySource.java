package dev.gatekeeper.adapter.secretsmanager;

import dev.gatekeeper.core.keys.InvalidSigningKeysException;
import dev.gatekeeper.core.keys.SigningKeySet;
import dev.gatekeeper.core.keys.SigningKeySetJson;
import dev.gatekeeper.core.keys.SigningKeySource;
import java.util.Objects;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The private signing keys as kept in one Secrets Manager secret (format: {@link SigningKeySetJson}), read at the
 * {@code AWSCURRENT} stage. A secret that is missing or holds anything but a usable key set is
 * {@link InvalidSigningKeysException}, so the service fails closed; an outage stays the SDK's exception.
 */
public final class SecretsManagerSigningKeySource implements SigningKeySource {
    private final SecretsManagerClient client;
    private final String secretId;

    public SecretsManagerSigningKeySource(SecretsManagerClient client, String secretId) {
        this.client = Objects.requireNonNull(client, "client");
        this.secretId = Objects.requireNonNull(secretId, "secretId");
    }

    @Override
    public SigningKeySet load() {
        return SigningKeySetJson.parse(CurrentSecretValue.read(client, secretId, "the signing key secret"));
    }
}
