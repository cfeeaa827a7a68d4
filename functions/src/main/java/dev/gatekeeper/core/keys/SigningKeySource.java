package dev.gatekeeper.core.keys;

/** Port: where the private signing keys live; only the functions that sign tokens (and rotation) read it. */
public interface SigningKeySource extends KeySource<SigningKeySet> {
}
