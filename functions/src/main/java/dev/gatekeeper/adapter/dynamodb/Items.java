package dev.gatekeeper.adapter.dynamodb;

import dev.gatekeeper.core.error.GatekeeperException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/** Attribute values in and out of items, and reading why a transaction was cancelled. */
final class Items {
    static final String CONDITIONAL_CHECK_FAILED = "ConditionalCheckFailed";
    static final String TRANSACTION_CONFLICT = "TransactionConflict";
    /** What {@link #transact} answers when every item was written. */
    static final int WRITTEN = -1;
    private static final int MAX_CONFLICT_ATTEMPTS = 5;

    private Items() {
    }

    static Map<String, AttributeValue> key(String partition, String sort) {
        return Map.of(TokenTable.PARTITION_KEY, s(partition), TokenTable.SORT_KEY, s(sort));
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    static AttributeValue millis(Instant value) {
        return n(value.toEpochMilli());
    }

    static AttributeValue bool(boolean value) {
        return AttributeValue.fromBool(value);
    }

    /** A list, not a string set: a set cannot be empty, and a list keeps the order given. */
    static AttributeValue stringList(Collection<String> values) {
        return AttributeValue.fromL(values.stream().map(AttributeValue::fromS).toList());
    }

    static String string(Map<String, AttributeValue> item, String name) {
        return optionalString(item, name).orElseThrow(() -> missing(name));
    }

    static Optional<String> optionalString(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || value.s() == null ? Optional.empty() : Optional.of(value.s());
    }

    static long number(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        if (value == null || value.n() == null) {
            throw missing(name);
        }
        return Long.parseLong(value.n());
    }

    static Instant instant(Map<String, AttributeValue> item, String name) {
        return Instant.ofEpochMilli(number(item, name));
    }

    static Instant optionalInstant(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || value.n() == null ? null : Instant.ofEpochMilli(Long.parseLong(value.n()));
    }

    /** Absent reads as false, so a flag added later needs no migration. */
    static boolean flag(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value != null && Boolean.TRUE.equals(value.bool());
    }

    /** Reads a list of strings, or a string set written by hand. */
    static List<String> strings(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        if (value == null) {
            return List.of();
        }
        if (value.hasSs()) {
            return value.ss();
        }
        return value.l().stream().map(AttributeValue::s).toList();
    }

    /** A transactional put that never overwrites: it fails if an item with the same key exists. */
    static TransactWriteItem putNew(String tableName, Map<String, AttributeValue> item) {
        return TransactWriteItem.builder().put(Put.builder()
                .tableName(tableName)
                .item(item)
                .conditionExpression("attribute_not_exists(#pk)")
                .expressionAttributeNames(Map.of("#pk", TokenTable.PARTITION_KEY))
                .build()).build();
    }

    /** A transactional check that an item with this key exists, writing nothing. */
    static TransactWriteItem exists(String tableName, Map<String, AttributeValue> key) {
        return TransactWriteItem.builder().conditionCheck(ConditionCheck.builder()
                .tableName(tableName)
                .key(key)
                .conditionExpression("attribute_exists(#pk)")
                .expressionAttributeNames(Map.of("#pk", TokenTable.PARTITION_KEY))
                .build()).build();
    }

    /**
     * Writes every item or, if a condition fails, none: {@link #WRITTEN}, or the index of the first action whose
     * condition failed. Retries a few times, backing off, while the transaction only conflicts with another one;
     * anything else that fails is {@code SERVICE_UNAVAILABLE} with {@code unavailable} as its description.
     */
    static int transact(DynamoDbClient client, List<TransactWriteItem> actions, String unavailable) {
        for (int attempt = 1; ; attempt++) {
            try {
                client.transactWriteItems(request -> request.transactItems(actions));
                return WRITTEN;
            } catch (TransactionCanceledException e) {
                for (int index = 0; index < actions.size(); index++) {
                    if (CONDITIONAL_CHECK_FAILED.equals(reason(e, index))) {
                        return index;
                    }
                }
                if (!conflicted(e) || attempt >= MAX_CONFLICT_ATTEMPTS) {
                    throw GatekeeperException.unavailable(unavailable, e);
                }
                backOff(attempt);
            } catch (SdkException e) {
                throw GatekeeperException.unavailable(unavailable, e);
            }
        }
    }

    /** The cancellation reason code of the transaction's {@code index}-th action, or "" if none was given. */
    static String reason(TransactionCanceledException e, int index) {
        List<CancellationReason> reasons = e.hasCancellationReasons() ? e.cancellationReasons() : List.of();
        if (index >= reasons.size() || reasons.get(index).code() == null) {
            return "";
        }
        return reasons.get(index).code();
    }

    static boolean conflicted(TransactionCanceledException e) {
        return e.hasCancellationReasons()
                && e.cancellationReasons().stream().anyMatch(reason -> TRANSACTION_CONFLICT.equals(reason.code()));
    }

    /** Waits a little before retrying a transaction that conflicted with another one on the same items. */
    static void backOff(int attempt) {
        try {
            Thread.sleep(5 + ThreadLocalRandom.current().nextLong(20L * attempt));
        } catch (InterruptedException e) {
            // Keep the flag for the caller; the retry itself is bounded.
            Thread.currentThread().interrupt();
        }
    }

    private static IllegalStateException missing(String name) {
        return new IllegalStateException("stored item lacks attribute " + name);
    }
}
