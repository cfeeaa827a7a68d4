package dev.gatekeeper.core.keys;

/**
 * Port: where the public key set lives (the public halves of the signing keys, written by rotation): what the
 * functions that only verify tokens or publish the JWKS read, so they never hold a private key.
 */
public interface PublicKeySource extends KeySource<VerificationKeySet> {
}
