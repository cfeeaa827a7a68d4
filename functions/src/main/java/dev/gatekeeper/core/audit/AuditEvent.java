package dev.gatekeeper.core.audit;

import dev.gatekeeper.core.organisation.OrganisationId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One audit record. It never holds a credential: no API key, key hash or token, only the token id or key id.
 *
 * @param organisation       the organisation acted on (its partition holds the record), or {@link #UNATTRIBUTED}
 *                           for a refused credential that could not be tied to an organisation
 * @param actingOrganisation who acted: the caller's organisation, or the credential's for a refusal; null when
 *                           unknown (an unknown credential, the admin CLI or seeding)
 * @param tokenId            the token issued or revoked; null for a revoke-all, a change of an organisation or a
 *                           key, and most refusals
 * @param count              for a revoke-all, how many active tokens it revoked; null otherwise (or not yet known)
 * @param outcome            {@link #SUCCEEDED}, or {@link #REFUSED} for a refused credential
 * @param reason             for a refusal, the {@code AuthFailure} label; for a revoke-all, the generation ended;
 *                           for a revocation by API key, the key revoked; for a key's issue or deactivation,
 *                           that key by its id (never the key or its hash) and, when issued, its label; for an
 *                           organisation's creation, its profile; for an update, each attribute changed with its
 *                           values before and after (see {@code ProfileChange})
 */
public record AuditEvent(
        UUID id,
        String organisation,
        OrganisationId actingOrganisation,
        AuditAction action,
        String tokenId,
        Long count,
        Instant time,
        String sourceIp,
        String requestId,
        String outcome,
        String reason) {

    /** The partition of refusals whose credential belongs to no known organisation. */
    public static final String UNATTRIBUTED = "UNKNOWN";
    public static final String SUCCEEDED = "SUCCEEDED";
    public static final String REFUSED = "REFUSED";

    public AuditEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(organisation, "organisation");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(outcome, "outcome");
    }

    /** A change that succeeded, as the store records it in the change's own transaction. */
    public static AuditEvent succeeded(UUID id, OrganisationId organisation, AuditAction action, String tokenId,
                                       Long count, Instant time, AuditContext context, String reason) {
        return new AuditEvent(id, organisation.value(), context.actingOrganisation(), action, tokenId, count, time,
                context.sourceIp(), context.requestId(), SUCCEEDED, reason);
    }

    /**
     * Free text (a name, a label) as a record's reason quotes it: quotes and backslashes escaped, control characters
     * as hexadecimal escapes, so it can neither pass for another part of the reason nor break a line of a listing.
     */
    public static String quoted(String text) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                quoted.append('\\').append(c);
            } else if (Character.isISOControl(c)) {
                quoted.append(String.format("\\u%04x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }

    /**
     * A refused credential, recorded under the organisation the credential belongs to when it was genuine, else
     * under {@link #UNATTRIBUTED}; the reason is the refusal's {@code AuthFailure} label.
     */
    public static AuditEvent refused(UUID id, Optional<OrganisationId> credentialOwner, String reason, Instant time,
                                     String sourceIp, String requestId) {
        return new AuditEvent(id, credentialOwner.map(OrganisationId::value).orElse(UNATTRIBUTED),
                credentialOwner.orElse(null), AuditAction.CREDENTIAL_REFUSED, null, null, time, sourceIp, requestId,
                REFUSED, reason);
    }
}
