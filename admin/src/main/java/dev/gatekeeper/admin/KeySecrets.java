package dev.gatekeeper.admin;

import dev.gatekeeper.core.keys.InvalidSigningKeysException;
import dev.gatekeeper.core.keys.SigningKeySet;
import dev.gatekeeper.core.keys.SigningKeySetJson;
import dev.gatekeeper.core.keys.VerificationKeySet;
import dev.gatekeeper.core.keys.VerificationKeySetJson;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * The two secrets of the signing keys, over one SDK client for this run of the CLI: the private key set (what the
 * issuing functions sign and verify with, and what rotation rotates) and the public key set (what every other
 * function and the JWKS verify with). Values are read and written only through the service's own parsers and
 * formatters, so the CLI cannot store a set that the functions would refuse (and answer 503 on).
 */
final class KeySecrets implements AutoCloseable {
    private static final String AWSCURRENT = "AWSCURRENT";
    private static final String AWSPENDING = "AWSPENDING";

    private final String signingSecret;
    private final String publicSecret;
    private final String description;
    private final SecretsManagerClient client;
    private final AwsCredentialsProvider credentials;

    private KeySecrets(String signingSecret, String publicSecret, String description, SecretsManagerClient client,
                       AwsCredentialsProvider credentials) {
        this.signingSecret = signingSecret;
        this.publicSecret = publicSecret;
        this.description = description;
        this.client = client;
        this.credentials = credentials;
    }

    /** Builds the client; nothing is sent until a command reads or writes. */
    static KeySecrets open(String signingSecret, String publicSecret, Optional<String> region,
                           Optional<URI> endpoint) {
        Region resolvedRegion = AdminAws.region(region, endpoint);
        AwsCredentialsProvider credentials = AdminAws.credentials(endpoint);
        SecretsManagerClient client = AdminAws.configure(SecretsManagerClient.builder(), resolvedRegion, credentials,
                endpoint).build();
        String description = "the signing-key secrets " + AdminAws.where(resolvedRegion, endpoint);
        return new KeySecrets(signingSecret, publicSecret, description, client, credentials);
    }

    /** For messages: {@code the signing-key secrets in us-east-1 at http://127.0.0.1:5000}. */
    String description() {
        return description;
    }

    /** The current private key set; one the functions would refuse is a refusal here too, never rewritten. */
    SigningKeySet signingKeys() {
        try {
            return SigningKeySetJson.parse(current(signingSecret));
        } catch (InvalidSigningKeysException e) {
            throw invalid("private", e);
        }
    }

    /** The current public key set, under the same rule. */
    VerificationKeySet publicKeys() {
        try {
            return VerificationKeySetJson.parse(current(publicSecret));
        } catch (InvalidSigningKeysException e) {
            throw invalid("public", e);
        }
    }

    /** The parsers' messages name kids and fields, never key material, so they may be shown. */
    private static AdminFailure invalid(String which, InvalidSigningKeysException e) {
        return new AdminFailure("The " + which + " key set's secret holds no valid key set (" + e.getMessage()
                + "): the functions reading it answer 503 until it is fixed (SECURITY.md, Signing-key compromise)");
    }

    /**
     * Whether a rotation of the private key set is under way: a version staged {@code AWSPENDING} that is not yet
     * {@code AWSCURRENT}. Finishing it makes current a set written before any change made now, undoing it.
     */
    boolean rotationInProgress() {
        Map<String, List<String>> stages = client.describeSecret(request -> request.secretId(signingSecret))
                .versionIdsToStages();
        return stages.values().stream().anyMatch(labels -> labels.contains(AWSPENDING) && !labels.contains(AWSCURRENT));
    }

    /** Stores {@code keys} as the new current version of the private key set. */
    void putSigningKeys(SigningKeySet keys) {
        String value = SigningKeySetJson.format(keys);
        client.putSecretValue(request -> request.secretId(signingSecret).secretString(value));
    }

    /** Stores {@code keys} as the new current version of the public key set. */
    void putPublicKeys(VerificationKeySet keys) {
        String value = VerificationKeySetJson.format(keys);
        client.putSecretValue(request -> request.secretId(publicSecret).secretString(value));
    }

    private String current(String secretId) {
        return client.getSecretValue(request -> request.secretId(secretId).versionStage(AWSCURRENT)).secretString();
    }

    @Override
    public void close() {
        client.close();
        if (credentials instanceof SdkAutoCloseable closeable) {
            closeable.close();
        }
    }
}
