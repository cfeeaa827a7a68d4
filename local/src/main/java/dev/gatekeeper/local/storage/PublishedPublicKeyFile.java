package dev.gatekeeper.local.storage;

import dev.gatekeeper.core.keys.PublicKeySource;
import dev.gatekeeper.core.keys.SigningKeySource;
import dev.gatekeeper.core.keys.VerificationKeySet;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The public key file as the runner's verify-only functions read it: before each load, {@code public-keys.json} is
 * brought up to date with the signing keys' public halves, as a rotation publishes each new key set to the public key
 * secret. So a signing key file changed while the runner is up (a new key, an algorithm switch) reaches the
 * verify-only functions at their next key load, not at the next start. The file is still read through its own
 * parser, which refuses private keys, as the deployed functions read their secret.
 */
public final class PublishedPublicKeyFile implements PublicKeySource {
    private final SigningKeySource signingKeys;
    private final FilePublicKeySource file;
    private final Consumer<String> log;

    public PublishedPublicKeyFile(SigningKeySource signingKeys, FilePublicKeySource file, Consumer<String> log) {
        this.signingKeys = Objects.requireNonNull(signingKeys, "signingKeys");
        this.file = Objects.requireNonNull(file, "file");
        this.log = Objects.requireNonNull(log, "log");
    }

    /** Writes the file unless it already holds exactly the signing keys' public halves; logs what happened. */
    public void publish() {
        try {
            if (file.publish(signingKeys.load().verificationKeys())) {
                log.accept("Published the public signing keys to " + file.file());
            }
        } catch (RuntimeException e) {
            // The signing key file is unusable: the public file keeps what it had (as the public key secret keeps
            // its value when a rotation fails), and the signing functions report the fault (503) themselves.
            log.accept("Cannot publish the public signing keys to " + file.file() + ": " + e.getMessage());
        }
    }

    @Override
    public VerificationKeySet load() {
        publish();
        return file.load();
    }
}
