package dev.gatekeeper.core.keys;

/**
 * Port: where the signing keys live (Secrets Manager in AWS, a file for the local runner).
 * Throws {@link InvalidSigningKeysException} for unusable content and any runtime exception for an outage.
 */
public interface SigningKeySource {
    SigningKeySet load();
}
