package dev.gatekeeper.adapter.secretsmanager;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import dev.gatekeeper.core.keys.InvalidSigningKeysException;
import dev.gatekeeper.core.keys.KeyRetention;
import dev.gatekeeper.core.keys.SigningAlgorithm;
import dev.gatekeeper.core.keys.SigningKey;
import dev.gatekeeper.core.keys.SigningKeySet;
import dev.gatekeeper.core.keys.SigningKeySetJson;
import dev.gatekeeper.core.keys.VerificationKeySet;
import dev.gatekeeper.core.keys.VerificationKeySetJson;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * Rotates the signing key set kept in a Secrets Manager secret, one step per call, following the contract of a
 * Secrets Manager rotation function: {@code createSecret} stores the next key set as the {@code AWSPENDING} version
 * named by the client request token, {@code setSecret} checks it and publishes its public halves to the public key
 * secret, {@code testSecret} proves both, {@code finishSecret} moves {@code AWSCURRENT} to it. Every step may be retried, so
 * every step is idempotent.
 *
 * <p>The public key secret is what the functions that only verify tokens read, so they never hold a private key. It
 * gets the pending set's public halves before that set becomes current: verifiers know the new key before any
 * function can sign with it (signing functions load only {@code AWSCURRENT}), and the key it replaces stays in both
 * sets as a previous key, so tokens it signed keep verifying everywhere. A key the pending set drops leaves the
 * public set in {@code setSecret} and the private one in {@code finishSecret}, moments apart: verify-only functions
 * stop accepting it at about the time the others do. {@code testSecret} refuses to let the rotation finish unless the
 * public secret holds exactly the pending set's public halves.
 *
 * <p>A rotation adds a fresh key of the configured algorithm (RS256: RSA 2048, ES256: EC P-256) as the current one,
 * records when the key it replaces stopped signing, and keeps every previous key, whatever its algorithm, until no
 * token it signed can still be live ({@link KeyRetention}). Switching algorithm is thus: change the configuration,
 * then rotate. A pending set that may no longer become current (its record of the current key's end of signing is
 * missing or too old, as after a failed rotation retried days later) is abandoned rather than finished.
 */
public final class SigningKeyRotation {
    private static final Logger LOG = LoggerFactory.getLogger(SigningKeyRotation.class);
    private static final String AWSCURRENT = "AWSCURRENT";
    private static final String AWSPENDING = "AWSPENDING";

    private final SecretsManagerClient client;
    private final Clock clock;
    private final KeyRetention retention;
    private final SigningAlgorithm algorithm;
    private final String publicKeySecretId;

    /**
     * @param retention         which previous keys a rotation keeps
     * @param algorithm         the algorithm of the keys this rotation makes
     * @param publicKeySecretId the secret that gets the public halves of every key set this rotation makes current
     */
    public SigningKeyRotation(SecretsManagerClient client, Clock clock, KeyRetention retention,
                              SigningAlgorithm algorithm, String publicKeySecretId) {
        this.client = Objects.requireNonNull(client, "client");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.retention = Objects.requireNonNull(retention, "retention");
        this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
        this.publicKeySecretId = Objects.requireNonNull(publicKeySecretId, "publicKeySecretId");
    }

    /** Runs one rotation step ({@code createSecret}, {@code setSecret}, {@code testSecret}, {@code finishSecret}). */
    public void rotate(String step, String secretId, String clientRequestToken) {
        Objects.requireNonNull(secretId, "secretId");
        Objects.requireNonNull(clientRequestToken, "clientRequestToken");
        DescribeSecretResponse metadata = client.describeSecret(request -> request.secretId(secretId));
        if (!Boolean.TRUE.equals(metadata.rotationEnabled())) {
            throw new IllegalStateException("rotation is not enabled for secret " + secretId);
        }
        List<String> stages = metadata.versionIdsToStages().get(clientRequestToken);
        if (stages == null) {
            throw new IllegalStateException("secret " + secretId + " has no version " + clientRequestToken);
        }
        if (stages.contains(AWSCURRENT)) {
            // A retry after finishSecret succeeded: the rotation is complete, whatever step is asked for.
            LOG.info("{}: version {} is already AWSCURRENT", step, clientRequestToken);
            return;
        }
        if (!stages.contains(AWSPENDING)) {
            throw new IllegalStateException("version " + clientRequestToken + " of secret " + secretId
                    + " is not staged AWSPENDING");
        }
        switch (step) {
            case "createSecret" -> createSecret(secretId, clientRequestToken);
            case "setSecret" -> setSecret(secretId, clientRequestToken);
            case "testSecret" -> testSecret(secretId, clientRequestToken);
            case "finishSecret" -> finishSecret(secretId, clientRequestToken, metadata.versionIdsToStages());
            default -> throw new IllegalArgumentException("unknown rotation step " + step);
        }
    }

    private void createSecret(String secretId, String token) {
        if (pendingValue(secretId, token).isPresent()) {
            // A retry of a rotation that failed: its set may be days old, which only a fresh version can fix.
            requireFresh(secretId, token, pendingKeySet(secretId, token));
            LOG.info("createSecret: version {} already holds the next key set", token);
            return;
        }
        SigningKeySet existing = currentKeySet(secretId).orElse(null);
        if (existing == null) {
            LOG.warn("createSecret: the current value of secret {} is not a key set; starting from no keys", secretId);
        }
        Instant now = clock.instant();
        SigningKey next = SigningKeySetJson.generateKey(algorithm, now);
        SigningKeySet rotated = retention.rotate(existing, next, now);
        client.putSecretValue(request -> request.secretId(secretId)
                .clientRequestToken(token)
                .secretString(SigningKeySetJson.format(rotated))
                .versionStages(AWSPENDING));
        LOG.info("createSecret: version {} holds new {} key {} and {} previous keys (of {} before)", token, algorithm,
                next.kid(), rotated.previous().size(), existing == null ? 0 : existing.all().size());
    }

    /**
     * Publishes the public halves of the pending key set, unless the public secret already holds exactly them (a
     * retry). From here on verifiers may load the new key; nothing signs with it until {@code finishSecret}. The
     * pending set is checked first, as {@code testSecret} checks it: the public secret is what every verify-only
     * function trusts, and a failing {@code testSecret} would not take a bad set back out of it.
     */
    private void setSecret(String secretId, String token) {
        VerificationKeySet published = checkedPendingKeySet(secretId, token).verificationKeys();
        if (publishedKeys().filter(published::equals).isPresent()) {
            LOG.info("setSecret: the public key secret already holds the {} keys of version {}", published.all().size(),
                    token);
            return;
        }
        client.putSecretValue(request -> request.secretId(publicKeySecretId)
                .secretString(VerificationKeySetJson.format(published)));
        LOG.info("setSecret: the public key secret now holds the {} public keys of version {} (next signer {})",
                published.all().size(), token, published.current().kid());
    }

    private void testSecret(String secretId, String token) {
        SigningKeySet pending = checkedPendingKeySet(secretId, token);
        if (!publishedKeys().filter(pending.verificationKeys()::equals).isPresent()) {
            // Finishing now would let functions sign with a key the verify-only functions cannot load.
            throw new IllegalStateException("the public key secret does not hold the public keys of version " + token
                    + " (setSecret has not run, or the secret was changed since)");
        }
        LOG.info("testSecret: version {} signs with {} key {}, keeps the previous keys and is published", token,
                pending.current().algorithm(), pending.current().kid());
    }

    /**
     * The pending key set, once proven fit to become current: its new key signs and verifies, and it keeps every key
     * of the current set that may still verify a live token.
     */
    private SigningKeySet checkedPendingKeySet(String secretId, String token) {
        SigningKeySet pending = pendingKeySet(secretId, token);
        Optional<SigningKeySet> current = requireFresh(secretId, token, pending);
        proveSignsAndVerifies(pending.current());
        if (current.isPresent()) {
            SigningKeySet before = current.get();
            if (before.find(pending.current().kid()).isPresent()) {
                throw new IllegalStateException("the pending key set does not sign with a new key");
            }
            Instant now = clock.instant();
            for (SigningKey kept : before.all()) {
                if (retention.stillVerifies(before, kept, now)) {
                    requireKept(before, pending, kept);
                }
            }
        }
        return pending;
    }

    /**
     * A key that may still verify a live token must stay, unchanged, with an end of signing no earlier than the one
     * recorded before (the key being replaced gets its first): a later rotation decides by that time when it goes.
     */
    private static void requireKept(SigningKeySet before, SigningKeySet pending, SigningKey kept) {
        if (!sameKey(pending.find(kept.kid()), kept)) {
            throw new IllegalStateException("the pending key set dropped key " + kept.kid()
                    + ", which still verifies tokens in circulation");
        }
        Optional<Instant> recorded = pending.signedUntil(kept.kid());
        Optional<Instant> earlier = before.signedUntil(kept.kid());
        if (recorded.isEmpty() || earlier.filter(end -> recorded.get().isBefore(end)).isPresent()) {
            throw new IllegalStateException("the pending key set does not record when key " + kept.kid()
                    + " stopped signing, or records it earlier than before, so a later rotation could drop it while"
                    + " tokens it signed are live");
        }
    }

    private void finishSecret(String secretId, String token, Map<String, List<String>> versions) {
        // Normally moments after testSecret; checked again in case this step alone is retried later.
        requireFresh(secretId, token, pendingKeySet(secretId, token));
        String currentVersion = versions.entrySet().stream()
                .filter(entry -> entry.getValue().contains(AWSCURRENT))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElse(null);
        client.updateSecretVersionStage(request -> request.secretId(secretId)
                .versionStage(AWSCURRENT)
                .moveToVersionId(token)
                .removeFromVersionId(currentVersion));
        LOG.info("finishSecret: version {} is now AWSCURRENT (was {})", token, currentVersion);
    }

    /**
     * The current key set, once sure the pending set may still replace it ({@link KeyRetention#mayBecomeCurrent}):
     * it records when the current key stopped signing, and recorded it recently. Secrets Manager retries a failed
     * rotation with the same pending version, whose value cannot change; so a pending set too old to finish is
     * abandoned here (its {@code AWSPENDING} label removed), and the next rotation Secrets Manager starts writes a
     * fresh one. Finishing it instead would date the replaced key's end of signing to when the set was written, and
     * drop the key that much too early.
     *
     * @return the current set; empty if there is none yet (nothing to replace, so any pending set may)
     * @throws IllegalStateException after abandoning a pending set that may not become current
     */
    private Optional<SigningKeySet> requireFresh(String secretId, String token, SigningKeySet pending) {
        Optional<SigningKeySet> current = currentKeySet(secretId);
        Instant now = clock.instant();
        if (current.isEmpty() || retention.mayBecomeCurrent(current.get(), pending, now)) {
            return current;
        }
        String kid = current.get().current().kid();
        String recorded = pending.signedUntil(kid).map(Instant::toString).orElse("nothing");
        client.updateSecretVersionStage(request -> request.secretId(secretId)
                .versionStage(AWSPENDING)
                .removeFromVersionId(token));
        long hours = KeyRetention.PENDING_MAX_AGE.toHours();
        LOG.warn("version {} records {} as the end of signing of current key {}, not within {} h of {}: abandoned it"
                + " (no longer AWSPENDING), the next rotation writes a fresh key set", token, recorded, kid, hours, now);
        throw new IllegalStateException("version " + token + " of secret " + secretId + " records " + recorded
                + " as the end of signing of current key " + kid + ", not within " + hours + " h of now: finishing it"
                + " would drop that key too early; it is abandoned, and the next rotation writes a fresh key set");
    }

    private SigningKeySet pendingKeySet(String secretId, String token) {
        String value = pendingValue(secretId, token)
                .orElseThrow(() -> new IllegalStateException("version " + token + " holds no key set"));
        return SigningKeySetJson.parse(value);
    }

    /**
     * The public key set now published, or empty if the public secret holds none (its placeholder before the first
     * rotation, or anything unusable: it is replaced either way).
     */
    private Optional<VerificationKeySet> publishedKeys() {
        String value;
        try {
            value = client.getSecretValue(request -> request.secretId(publicKeySecretId).versionStage(AWSCURRENT))
                    .secretString();
        } catch (ResourceNotFoundException e) {
            return Optional.empty(); // no value yet; a secret that does not exist fails the write instead
        }
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(VerificationKeySetJson.parse(value));
        } catch (InvalidSigningKeysException e) {
            return Optional.empty();
        }
    }

    /** The value of the pending version, or empty while createSecret has not stored one. */
    private Optional<String> pendingValue(String secretId, String token) {
        try {
            return Optional.ofNullable(client.getSecretValue(request -> request.secretId(secretId)
                    .versionId(token)
                    .versionStage(AWSPENDING)).secretString());
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        }
    }

    /**
     * The key set now in use, or empty if the current value is not one: the random placeholder CloudFormation stores
     * when it creates the secret, before the first rotation. An unusable set cannot sign or verify anything, so
     * starting afresh loses nothing.
     */
    private Optional<SigningKeySet> currentKeySet(String secretId) {
        String value = client.getSecretValue(request -> request.secretId(secretId).versionStage(AWSCURRENT))
                .secretString();
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(SigningKeySetJson.parse(value));
        } catch (InvalidSigningKeysException e) {
            return Optional.empty();
        }
    }

    /**
     * Signs and verifies a probe with the key under its own algorithm, verifying with the public key alone (as
     * verifiers will). The rotation function is never restored from a snapshot, so the ECDSA signer may use the
     * JDK's default randomness here.
     */
    private static void proveSignsAndVerifies(SigningKey key) {
        try {
            JWSObject probe = new JWSObject(new JWSHeader.Builder(key.algorithm().jwsAlgorithm()).keyID(key.kid()).build(),
                    new Payload("signing key rotation test"));
            probe.sign(key.newSigner(new SecureRandom()));
            if (!JWSObject.parse(probe.serialize()).verify(key.newVerifier())) {
                throw new IllegalStateException("key " + key.kid() + " does not verify its own signature");
            }
        } catch (JOSEException | ParseException e) {
            throw new IllegalStateException("key " + key.kid() + " cannot sign and verify", e);
        }
    }

    private static boolean sameKey(Optional<SigningKey> candidate, SigningKey expected) {
        try {
            return candidate.isPresent() && candidate.get().algorithm() == expected.algorithm()
                    && candidate.get().privateJwk().computeThumbprint().equals(expected.privateJwk().computeThumbprint());
        } catch (JOSEException e) {
            return false;
        }
    }
}
