package dev.gatekeeper.local.storage;

import dev.gatekeeper.core.keys.InvalidSigningKeysException;
import dev.gatekeeper.core.keys.PublicKeySource;
import dev.gatekeeper.core.keys.VerificationKeySet;
import dev.gatekeeper.core.keys.VerificationKeySetJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The public key set kept in a file beside the signing key file, in the format of the public key secret
 * ({@link VerificationKeySetJson}): what the runner's verify-only functions read, as deployed ones read the public
 * key secret. Read on every load, like the secret.
 */
public final class FilePublicKeySource implements PublicKeySource {
    private final Path file;

    public FilePublicKeySource(Path file) {
        this.file = Objects.requireNonNull(file, "file");
    }

    public Path file() {
        return file;
    }

    /**
     * Writes {@code keys} unless the file already holds exactly them, as rotation publishes a key set; true if it
     * wrote.
     */
    public boolean publish(VerificationKeySet keys) {
        try {
            if (load().equals(keys)) {
                return false;
            }
        } catch (InvalidSigningKeysException missingOrUnusable) {
            // Replaced below, as rotation replaces the public secret's placeholder.
        }
        PrivateFiles.write(file, VerificationKeySetJson.format(keys));
        return true;
    }

    @Override
    public VerificationKeySet load() {
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new InvalidSigningKeysException("the public key file " + file + " is missing", e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the public key file " + file, e);
        }
        return VerificationKeySetJson.parse(json);
    }
}
