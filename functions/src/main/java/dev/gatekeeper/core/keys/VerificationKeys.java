package dev.gatekeeper.core.keys;

import java.time.Duration;
import java.util.Optional;

/**
 * What token verification and the JWKS need from a container's key cache: the public halves only. A signing
 * function's {@link SigningKeys} answers from its private set; a verify-only function's {@link PublicKeys} from the
 * public key set, and has nothing else.
 */
public interface VerificationKeys {
    /** The public key set, loaded on first use and reloaded once it is older than {@link #maxAge()}. */
    VerificationKeySet publicKeys();

    /** The key for a {@code kid}; an unknown kid may trigger a (rate-limited) reload. */
    Optional<VerificationKey> verificationKey(String kid);

    /** How long a loaded key set is used before it is reloaded: how late a rotation reaches this container. */
    Duration maxAge();
}
