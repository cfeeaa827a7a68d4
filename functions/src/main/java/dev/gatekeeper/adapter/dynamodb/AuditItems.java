package dev.gatekeeper.adapter.dynamodb;

import static dev.gatekeeper.adapter.dynamodb.Items.instant;
import static dev.gatekeeper.adapter.dynamodb.Items.key;
import static dev.gatekeeper.adapter.dynamodb.Items.millis;
import static dev.gatekeeper.adapter.dynamodb.Items.n;
import static dev.gatekeeper.adapter.dynamodb.Items.optionalString;
import static dev.gatekeeper.adapter.dynamodb.Items.s;
import static dev.gatekeeper.adapter.dynamodb.Items.string;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.ACTING_ORGANISATION;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.ACTION;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.AT;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.AUDIT_PREFIX;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.COUNT;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.EVENT_ID;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.ORGANISATION;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.OUTCOME;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.REASON;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.REQUEST_ID;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.SOURCE_IP;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.TIME_TO_LIVE;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.TOKEN_ID;

import dev.gatekeeper.core.audit.AuditAction;
import dev.gatekeeper.core.audit.AuditEvent;
import dev.gatekeeper.core.organisation.OrganisationId;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Audit records in and out of the {@link TokenTable}: {@code AUDIT#<epoch millis, 15 digits>#<event id>}. */
final class AuditItems {
    /** The largest time a 15-digit sort key can hold, for open-ended ranges. */
    static final long MAX_MILLIS = 999_999_999_999_999L;

    private AuditItems() {
    }

    static String sortKey(Instant time, String eventId) {
        return AUDIT_PREFIX + String.format("%015d", time.toEpochMilli()) + "#" + eventId;
    }

    static Map<String, AttributeValue> itemKey(AuditEvent event) {
        return key(event.organisation(), sortKey(event.time(), event.id().toString()));
    }

    /** The item, which expires {@code retention} after the event; absent values are left out, never stored empty. */
    static Map<String, AttributeValue> item(AuditEvent event, Duration retention) {
        Map<String, AttributeValue> item = new HashMap<>(itemKey(event));
        item.put(EVENT_ID, s(event.id().toString()));
        item.put(ORGANISATION, s(event.organisation()));
        item.put(ACTION, s(event.action().name()));
        item.put(AT, millis(event.time()));
        item.put(OUTCOME, s(event.outcome()));
        putIfPresent(item, ACTING_ORGANISATION,
                event.actingOrganisation() == null ? null : event.actingOrganisation().value());
        putIfPresent(item, TOKEN_ID, event.tokenId());
        putIfPresent(item, SOURCE_IP, event.sourceIp());
        putIfPresent(item, REQUEST_ID, event.requestId());
        putIfPresent(item, REASON, event.reason());
        if (event.count() != null) {
            item.put(COUNT, n(event.count()));
        }
        item.put(TIME_TO_LIVE, n(event.time().plus(retention).getEpochSecond()));
        return item;
    }

    static AuditEvent event(Map<String, AttributeValue> item) {
        AttributeValue count = item.get(COUNT);
        return new AuditEvent(
                UUID.fromString(string(item, EVENT_ID)),
                string(item, ORGANISATION),
                optionalString(item, ACTING_ORGANISATION).map(OrganisationId::new).orElse(null),
                AuditAction.valueOf(string(item, ACTION)),
                optionalString(item, TOKEN_ID).orElse(null),
                count == null || count.n() == null ? null : Long.parseLong(count.n()),
                instant(item, AT),
                optionalString(item, SOURCE_IP).orElse(null),
                optionalString(item, REQUEST_ID).orElse(null),
                string(item, OUTCOME),
                optionalString(item, REASON).orElse(null));
    }

    private static void putIfPresent(Map<String, AttributeValue> item, String name, String value) {
        if (value != null && !value.isEmpty()) {
            item.put(name, s(value));
        }
    }
}
