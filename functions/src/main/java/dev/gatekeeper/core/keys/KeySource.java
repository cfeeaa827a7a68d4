package dev.gatekeeper.core.keys;

/**
 * Port: where a key set lives (Secrets Manager in AWS, a file for the local runner).
 * Throws {@link InvalidSigningKeysException} for unusable content and any runtime exception for an outage.
 *
 * @param <S> the kind of set: {@link SigningKeySet} (private keys) or {@link VerificationKeySet} (public halves)
 */
public interface KeySource<S> {
    S load();
}
