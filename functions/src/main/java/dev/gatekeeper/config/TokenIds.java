package dev.gatekeeper.config;

import java.io.Serial;
import java.io.Serializable;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Token ids for a Lambda container: random (version 4) UUIDs, 122 random bits each, drawn from a
 * {@link SecureRandom} that this object owns and that {@link #reseed()} replaces.
 *
 * <p><b>Why not simply {@link UUID#randomUUID()}.</b> Under SnapStart one snapshot of an initialised JVM is
 * restored in many execution environments, so any random state inside the JVM at snapshot time is restored
 * identically in all of them. {@code UUID.randomUUID()} uses one JDK-wide {@code SecureRandom}; on Linux that is
 * {@code NativePRNG}, which XORs bytes read from {@code /dev/urandom} (on every call, or from a buffer at most
 * 100 ms old) with the output of an internal SHA1PRNG whose state <em>is</em> captured. Its output after a restore
 * is therefore as fresh as the kernel's pool, which no code inside the JVM can improve on; but it depends on a
 * provider detail (a configured {@code securerandom.source}, another provider, a future default of a seeded DRBG
 * would reuse captured state). Token ids are the one value here whose uniqueness across containers matters (they
 * are the stored records' keys and the tokens' {@code jti}), so they take no chance: the generator is an instance
 * of the JDK's DRBG owned here ({@link #newDrbg()}), and {@link SnapStartPriming#afterRestore} replaces it with a
 * new one that seeds itself from the operating system after the restore, so nothing drawn, buffered or seeded
 * before the snapshot feeds an id drawn after it. (Ids stay as unpredictable as the OS's pool; that the kernel's
 * pool itself is fresh after a restore is the platform's part.)
 *
 * <p>Serializable only so that tests can stand for a snapshot: serialising a source and reading it back twice gives
 * two "restored" copies of one state.
 */
public final class TokenIds implements Supplier<UUID>, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private final SerializableFactory factory;
    private volatile SecureRandom random;

    /** Where new generators come from; {@link #newDrbg()} in production. */
    @FunctionalInterface
    public interface SerializableFactory extends Supplier<SecureRandom>, Serializable {
    }

    public TokenIds() {
        this(TokenIds::newDrbg);
    }

    /**
     * A new instance of the JDK's DRBG (NIST SP 800-90A Hash_DRBG, SHA-256): its state belongs to the instance,
     * and the instance seeds itself from the operating system's entropy source on its first use, not before. So a
     * generator made by {@link #reseed()} after a restore has no state from before the snapshot at all.
     */
    public static SecureRandom newDrbg() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no DRBG", e);
        }
    }

    public TokenIds(SerializableFactory factory) {
        this.factory = Objects.requireNonNull(factory, "factory");
        this.random = Objects.requireNonNull(factory.get(), "factory.get()");
    }

    @Override
    public UUID get() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        bytes[6] = (byte) ((bytes[6] & 0x0f) | 0x40); // version 4
        bytes[8] = (byte) ((bytes[8] & 0x3f) | 0x80); // IETF variant
        long most = 0;
        long least = 0;
        for (int i = 0; i < 8; i++) {
            most = (most << 8) | (bytes[i] & 0xff);
            least = (least << 8) | (bytes[i + 8] & 0xff);
        }
        return new UUID(most, least);
    }

    /** Replaces the generator with a new one from the factory: after a snapshot restore, before the next id. */
    public void reseed() {
        random = Objects.requireNonNull(factory.get(), "factory.get()");
    }
}
