package dev.gatekeeper.local.storage;

import dev.gatekeeper.core.keys.InvalidSigningKeysException;
import dev.gatekeeper.core.keys.SigningAlgorithm;
import dev.gatekeeper.core.keys.SigningKeySet;
import dev.gatekeeper.core.keys.SigningKeySetJson;
import dev.gatekeeper.core.keys.SigningKeySource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * The signing keys kept in a file, in the format of the Secrets Manager secret ({@link SigningKeySetJson}), readable
 * only by its owner. Read on every load, like the secret, so the service's key cache behaves as in AWS.
 */
public final class FileSigningKeySource implements SigningKeySource {
    private final Path file;

    public FileSigningKeySource(Path file) {
        this.file = Objects.requireNonNull(file, "file");
    }

    /**
     * Writes a key set with one new key of {@code algorithm} if the file does not exist yet; true if it did not. An
     * existing file is kept whatever its keys' algorithm, as a deployed secret keeps its keys until a rotation.
     */
    public boolean createIfMissing(SigningAlgorithm algorithm, Clock clock) {
        if (Files.exists(file)) {
            return false;
        }
        SigningKeySet keys = new SigningKeySet(SigningKeySetJson.generateKey(algorithm, clock.instant()), List.of());
        PrivateFiles.write(file, SigningKeySetJson.format(keys));
        return true;
    }

    public Path file() {
        return file;
    }

    @Override
    public SigningKeySet load() {
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new InvalidSigningKeysException("the signing key file " + file + " is missing", e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the signing key file " + file, e);
        }
        return SigningKeySetJson.parse(json);
    }
}
