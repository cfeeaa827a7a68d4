package dev.gatekeeper.core.audit;

import java.time.Instant;
import java.util.List;

/**
 * Port: the audit trail. Changes record themselves in the same transaction as the change, through the store that
 * makes them ({@code TokenStore}, {@code ApiKeyRegistry}, {@code OrganisationRegistry}); this port records what
 * changes nothing (refused credentials) and reads the trail.
 *
 * <p>Failures to reach the store surface as {@code GatekeeperException} with {@code SERVICE_UNAVAILABLE}.
 */
public interface AuditLog {

    /** Stores one record on its own, with no transaction: there is no change to pair it with. */
    void record(AuditEvent event);

    /**
     * Up to {@code limit} records of {@code organisation} (an organisation id, or {@link AuditEvent#UNATTRIBUTED})
     * whose time is within {@code from} and {@code to}, both included, oldest first.
     */
    List<AuditEvent> find(String organisation, Instant from, Instant to, int limit);
}
