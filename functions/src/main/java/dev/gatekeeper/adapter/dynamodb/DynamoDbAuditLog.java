package dev.gatekeeper.adapter.dynamodb;

import static dev.gatekeeper.adapter.dynamodb.Items.s;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.PARTITION_KEY;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.SORT_KEY;

import dev.gatekeeper.core.audit.AuditEvent;
import dev.gatekeeper.core.audit.AuditLog;
import dev.gatekeeper.core.error.GatekeeperException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Audit records in the {@link TokenTable}, in the partition of the organisation acted on. Records of changes are
 * written inside the change's transaction by the adapter that makes it ({@link DynamoDbTokenStore},
 * {@link DynamoDbApiKeyRegistry}, {@link DynamoDbOrganisationRegistry}); this adapter writes refusals and reads.
 */
public final class DynamoDbAuditLog implements AuditLog {
    private static final String UNAVAILABLE = "Audit log unavailable";

    private final DynamoDbClient client;
    private final String tableName;
    private final Duration retention;

    /** @param retention how long a record is kept before DynamoDB TTL removes it */
    public DynamoDbAuditLog(DynamoDbClient client, String tableName, Duration retention) {
        this.client = Objects.requireNonNull(client, "client");
        this.tableName = Objects.requireNonNull(tableName, "tableName");
        this.retention = Objects.requireNonNull(retention, "retention");
    }

    @Override
    public void record(AuditEvent event) {
        try {
            client.putItem(request -> request.tableName(tableName).item(AuditItems.item(event, retention)));
        } catch (SdkException e) {
            throw GatekeeperException.unavailable(UNAVAILABLE, e);
        }
    }

    @Override
    public List<AuditEvent> find(String organisation, Instant from, Instant to, int limit) {
        if (limit <= 0 || to.isBefore(from)) {
            return List.of();
        }
        // Every key of a millisecond sorts between "AUDIT#<ms>#" and "AUDIT#<ms>$" ('$' follows '#').
        String lowest = AuditItems.sortKey(clamp(from), "");
        String highest = AuditItems.sortKey(clamp(to), "").replaceFirst("#$", "\\$");
        QueryRequest query = QueryRequest.builder()
                .tableName(tableName)
                .keyConditionExpression("#pk = :pk AND #sk BETWEEN :from AND :to")
                .expressionAttributeNames(Map.of("#pk", PARTITION_KEY, "#sk", SORT_KEY))
                .expressionAttributeValues(Map.of(":pk", s(organisation), ":from", s(lowest), ":to", s(highest)))
                .limit(Math.min(limit, 1_000))
                .build();
        List<AuditEvent> events = new ArrayList<>();
        try {
            for (QueryResponse page : client.queryPaginator(query)) {
                for (Map<String, AttributeValue> item : page.items()) {
                    events.add(AuditItems.event(item));
                    if (events.size() == limit) {
                        return events;
                    }
                }
            }
        } catch (SdkException e) {
            throw GatekeeperException.unavailable(UNAVAILABLE, e);
        }
        return events;
    }

    /** Within what a 15-digit sort key can hold. */
    private static Instant clamp(Instant time) {
        if (time.isBefore(Instant.EPOCH)) {
            return Instant.EPOCH;
        }
        Instant latest = Instant.ofEpochMilli(AuditItems.MAX_MILLIS);
        return time.isAfter(latest) ? latest : time;
    }
}
