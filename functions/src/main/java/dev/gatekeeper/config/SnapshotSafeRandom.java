package dev.gatekeeper.config;

import java.security.SecureRandom;
import java.security.SecureRandomSpi;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A {@link SecureRandom} whose every draw goes to a generator this object owns and that {@link #reseed()} replaces:
 * the randomness of ECDSA (ES256) signatures, handed once to each signer, while the generator behind it changes.
 *
 * <p><b>Why.</b> An ECDSA signature needs a fresh secret nonce {@code k}; two signatures with the same {@code k}
 * (over different tokens) reveal the private key to anyone holding both. Under SnapStart one snapshot is restored in
 * many execution environments, with any random state inside the JVM restored identically in all of them, and the
 * JDK's default for a signature (a shared {@code SecureRandom} when none is given) is such state. So the signer
 * draws from here, and {@link SnapStartPriming#afterRestore} replaces the generator with a new JDK DRBG
 * ({@link TokenIds#newDrbg()}) that seeds itself from the operating system after the restore: no signature made
 * after a restore uses randomness drawn, buffered or seeded before the snapshot. Same mechanism as {@link TokenIds}.
 */
public final class SnapshotSafeRandom extends SecureRandom {
    private final Replaceable generator;

    /** Backed by the JDK's DRBG, as token ids are. */
    public SnapshotSafeRandom() {
        this(TokenIds::newDrbg);
    }

    /** @param factory where generators come from: one now, and a new one on every {@link #reseed()} */
    public SnapshotSafeRandom(Supplier<SecureRandom> factory) {
        this(new Replaceable(factory));
    }

    private SnapshotSafeRandom(Replaceable generator) {
        super(generator, null);
        this.generator = generator;
    }

    /** Replaces the generator with a new one from the factory: after a snapshot restore, before the next draw. */
    public void reseed() {
        generator.replace();
    }

    @Override
    public String getAlgorithm() {
        return "SnapshotSafe(" + generator.current.getAlgorithm() + ")";
    }

    /** The engine: forwards to the current generator, which {@link #replace()} swaps atomically. */
    private static final class Replaceable extends SecureRandomSpi {
        private final Supplier<SecureRandom> factory;
        private volatile SecureRandom current;

        Replaceable(Supplier<SecureRandom> factory) {
            this.factory = Objects.requireNonNull(factory, "factory");
            replace();
        }

        void replace() {
            current = Objects.requireNonNull(factory.get(), "factory.get()");
        }

        @Override
        protected void engineSetSeed(byte[] seed) {
            current.setSeed(seed);
        }

        @Override
        protected void engineNextBytes(byte[] bytes) {
            current.nextBytes(bytes);
        }

        @Override
        protected byte[] engineGenerateSeed(int numBytes) {
            return current.generateSeed(numBytes);
        }
    }
}
