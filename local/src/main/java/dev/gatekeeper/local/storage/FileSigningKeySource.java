package dev.gatekeeper.local.storage;

import dev.gatekeeper.core.keys.InvalidSigningKeysException;
import dev.gatekeeper.core.keys.KeyRetention;
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
import java.time.Instant;
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
     * existing file is kept whatever its keys' algorithm ({@link #prepare} also switches algorithm).
     */
    public boolean createIfMissing(SigningAlgorithm algorithm, Clock clock) {
        if (Files.exists(file)) {
            return false;
        }
        SigningKeySet keys = new SigningKeySet(SigningKeySetJson.generateKey(algorithm, clock.instant()), List.of());
        PrivateFiles.write(file, SigningKeySetJson.format(keys));
        return true;
    }

    /** What {@link #prepare} did to the file. */
    public enum Prepared {
        /** There was none: it now holds one new key. */
        CREATED,
        /** Its current key was of another algorithm: a new key of the configured one now signs. */
        ROTATED,
        /** Its current key is of the configured algorithm, or it cannot be read (the functions report that). */
        UNCHANGED
    }

    /**
     * Makes the file sign with a key of {@code algorithm}, as a deployed stack does after a switch of its
     * {@code SigningAlgorithm} and a rotation: a file whose current key is of another algorithm gets a new key of
     * this one as its current key, and keeps the previous keys that may still verify live tokens, by the same rule
     * as the rotation function ({@link KeyRetention#rotate}).
     *
     * @throws IllegalStateException if the rotation would exceed the retention's key limit (the file is unchanged)
     */
    public Prepared prepare(SigningAlgorithm algorithm, Clock clock, KeyRetention retention) {
        if (createIfMissing(algorithm, clock)) {
            return Prepared.CREATED;
        }
        SigningKeySet existing;
        try {
            existing = load();
        } catch (RuntimeException unusable) {
            return Prepared.UNCHANGED;
        }
        if (existing.current().algorithm() == algorithm) {
            return Prepared.UNCHANGED;
        }
        Instant now = clock.instant();
        SigningKeySet rotated = retention.rotate(existing, SigningKeySetJson.generateKey(algorithm, now), now);
        PrivateFiles.write(file, SigningKeySetJson.format(rotated));
        return Prepared.ROTATED;
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
