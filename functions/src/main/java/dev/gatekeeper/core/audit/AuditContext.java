package dev.gatekeeper.core.audit;

import dev.gatekeeper.core.organisation.OrganisationId;

/**
 * Who asks for a change and from where, handed to the store so that the change and its audit record are written
 * together.
 *
 * @param actingOrganisation the authenticated caller's organisation; null when no organisation acts (the admin CLI,
 *                           seeding)
 * @param sourceIp           the caller's source address, as API Gateway saw it; null when there is none
 * @param requestId          API Gateway's request id, to find the request's log lines; {@code admin-cli} or
 *                           {@code seed} for a change made with direct table access
 */
public record AuditContext(OrganisationId actingOrganisation, String sourceIp, String requestId) {

    /** A change made with direct table access (the admin CLI), not through the API. */
    public static AuditContext administrator() {
        return new AuditContext(null, null, "admin-cli");
    }

    /** Organisations and keys loaded from a seed file (the local runner, its demo organisations, test set-ups). */
    public static AuditContext seeding() {
        return new AuditContext(null, null, "seed");
    }
}
