package dev.gatekeeper.adapter.dynamodb;

import static dev.gatekeeper.adapter.dynamodb.Items.WRITTEN;
import static dev.gatekeeper.adapter.dynamodb.Items.bool;
import static dev.gatekeeper.adapter.dynamodb.Items.flag;
import static dev.gatekeeper.adapter.dynamodb.Items.instant;
import static dev.gatekeeper.adapter.dynamodb.Items.key;
import static dev.gatekeeper.adapter.dynamodb.Items.millis;
import static dev.gatekeeper.adapter.dynamodb.Items.optionalString;
import static dev.gatekeeper.adapter.dynamodb.Items.s;
import static dev.gatekeeper.adapter.dynamodb.Items.string;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.ACTIVE;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.API_KEY;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.API_KEY_PREFIX;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.CREATED_AT;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.HASH;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.KEY_ID;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.LABEL;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.ORGANISATION_ID;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.PARTITION_KEY;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.PROFILE;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.SORT_KEY;

import dev.gatekeeper.core.apikey.ApiKeyHash;
import dev.gatekeeper.core.apikey.ApiKeyRecord;
import dev.gatekeeper.core.apikey.ApiKeyRegistry;
import dev.gatekeeper.core.audit.AuditAction;
import dev.gatekeeper.core.audit.AuditContext;
import dev.gatekeeper.core.audit.AuditEvent;
import dev.gatekeeper.core.error.ErrorCode;
import dev.gatekeeper.core.error.GatekeeperException;
import dev.gatekeeper.core.organisation.OrganisationId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * API keys in the {@link TokenTable}, stored twice and always written together: a lookup item keyed by the key's
 * hash, for authentication, and a listing item in the organisation's partition, for administration. An issue and a
 * deactivation write their audit record in the same transaction.
 */
public final class DynamoDbApiKeyRegistry implements ApiKeyRegistry {
    private static final String UNAVAILABLE = "API key store unavailable";
    private static final int MAX_CONFLICT_ATTEMPTS = 5;
    /** The position of the lookup item's update in a deactivation. */
    private static final int LOOKUP = 1;
    /** The positions of the check that the organisation exists, and of the audit record, in an issue. */
    private static final int ISSUER = 0;
    private static final int RECORD = 3;

    private final DynamoDbClient client;
    private final String tableName;
    private final Duration auditRetention;
    private final Supplier<UUID> auditIds;

    /** With the default audit retention and random audit record ids. */
    public DynamoDbApiKeyRegistry(DynamoDbClient client, String tableName) {
        this(client, tableName, DynamoDbTokenStore.DEFAULT_AUDIT_RETENTION, UUID::randomUUID);
    }

    /**
     * @param auditRetention how long the audit record of an issue or a deactivation is kept
     * @param auditIds       the ids of audit records
     */
    public DynamoDbApiKeyRegistry(DynamoDbClient client, String tableName, Duration auditRetention,
                                  Supplier<UUID> auditIds) {
        this.client = Objects.requireNonNull(client, "client");
        this.tableName = Objects.requireNonNull(tableName, "tableName");
        this.auditRetention = Objects.requireNonNull(auditRetention, "auditRetention");
        this.auditIds = Objects.requireNonNull(auditIds, "auditIds");
        if (auditRetention.isNegative()) {
            throw new IllegalArgumentException("auditRetention must not be negative");
        }
    }

    @Override
    public Optional<ApiKeyRecord> findByHash(ApiKeyHash hash) {
        try {
            // Consistent, so a deactivated key stops working at once rather than up to a second later.
            Map<String, AttributeValue> item = client.getItem(request -> request
                    .tableName(tableName).key(lookupKey(hash)).consistentRead(true)).item();
            if (item == null || item.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new ApiKeyRecord(hash, new OrganisationId(string(item, ORGANISATION_ID)),
                    flag(item, ACTIVE), instant(item, CREATED_AT), optionalString(item, LABEL).orElse("")));
        } catch (SdkException e) {
            throw GatekeeperException.unavailable(UNAVAILABLE, e);
        }
    }

    @Override
    public boolean add(ApiKeyRecord key, AuditContext audit) {
        Map<String, AttributeValue> lookup = new HashMap<>(lookupKey(key.hash()));
        lookup.put(ORGANISATION_ID, s(key.organisationId().value()));
        lookup.put(ACTIVE, bool(key.active()));
        lookup.put(CREATED_AT, millis(key.createdAt()));
        lookup.put(LABEL, s(key.label()));
        lookup.put(KEY_ID, s(key.keyId()));
        Map<String, AttributeValue> listing = new HashMap<>(listingKey(key.organisationId(), key.keyId()));
        listing.put(HASH, s(key.hash().value()));
        listing.put(ACTIVE, bool(key.active()));
        listing.put(CREATED_AT, millis(key.createdAt()));
        listing.put(LABEL, s(key.label()));
        // By id and label only: the record must never hold the key or its hash.
        AuditEvent event = AuditEvent.succeeded(auditIds.get(), key.organisationId(), AuditAction.API_KEY_ISSUED,
                null, null, key.createdAt(), audit, "API key " + key.keyId()
                        + (key.label().isEmpty() ? "" : " labelled " + AuditEvent.quoted(key.label())));
        // The organisation must exist, so no key (and no record) lands in the partition of none.
        int failed = Items.transact(client, List.of(Items.exists(tableName, key(key.organisationId().value(), PROFILE)),
                Items.putNew(tableName, lookup), Items.putNew(tableName, listing),
                Items.putNew(tableName, AuditItems.item(event, auditRetention))), UNAVAILABLE);
        if (failed == WRITTEN) {
            return true;
        }
        if (failed == ISSUER) {
            return false;
        }
        if (failed == RECORD) {
            throw new GatekeeperException(ErrorCode.SERVICE_UNAVAILABLE, UNAVAILABLE);
        }
        throw new IllegalStateException("API key " + key.keyId() + " is already stored");
    }

    @Override
    public boolean deactivate(OrganisationId organisation, String keyId, Instant at, AuditContext audit) {
        for (int attempt = 1; ; attempt++) {
            Map<String, AttributeValue> listing;
            try {
                listing = client.getItem(request -> request
                        .tableName(tableName).key(listingKey(organisation, keyId)).consistentRead(true)).item();
            } catch (SdkException e) {
                throw GatekeeperException.unavailable(UNAVAILABLE, e);
            }
            if (listing == null || listing.isEmpty()) {
                return false;
            }
            if (!flag(listing, ACTIVE)) {
                return true;
            }
            ApiKeyHash hash = new ApiKeyHash(string(listing, HASH));
            // Only while still active: of two concurrent deactivations one writes, and one audit record says so.
            TransactWriteItem deactivateListing = deactivation(listingKey(organisation, keyId),
                    "attribute_exists(#pk) AND #active = :active", Map.of(), Map.of(":active", bool(true)));
            // The lookup item must still name this organisation: a hash never moves between organisations.
            TransactWriteItem deactivateLookup = deactivation(lookupKey(hash),
                    "attribute_exists(#pk) AND #organisation = :organisation",
                    Map.of("#organisation", ORGANISATION_ID), Map.of(":organisation", s(organisation.value())));
            // By id only: the record must never hold the key or its hash.
            AuditEvent event = AuditEvent.succeeded(auditIds.get(), organisation, AuditAction.API_KEY_DEACTIVATED,
                    null, null, at, audit, "API key " + keyId);
            TransactWriteItem record = Items.putNew(tableName, AuditItems.item(event, auditRetention));
            int failed = Items.transact(client, List.of(deactivateListing, deactivateLookup, record), UNAVAILABLE);
            if (failed == WRITTEN) {
                return true;
            }
            if (failed == LOOKUP) {
                return false;
            }
            // The listing changed since it was read (most likely deactivated meanwhile): read it again.
            if (attempt >= MAX_CONFLICT_ATTEMPTS) {
                throw new GatekeeperException(ErrorCode.SERVICE_UNAVAILABLE, UNAVAILABLE);
            }
        }
    }

    @Override
    public List<ApiKeyRecord> listFor(OrganisationId organisation) {
        QueryRequest query = QueryRequest.builder()
                .tableName(tableName)
                .keyConditionExpression("#pk = :pk AND begins_with(#sk, :prefix)")
                .expressionAttributeNames(Map.of("#pk", PARTITION_KEY, "#sk", SORT_KEY))
                .expressionAttributeValues(Map.of(":pk", s(organisation.value()), ":prefix", s(API_KEY_PREFIX)))
                .build();
        try {
            List<ApiKeyRecord> keys = new ArrayList<>();
            for (Map<String, AttributeValue> item : client.queryPaginator(query).items()) {
                keys.add(new ApiKeyRecord(new ApiKeyHash(string(item, HASH)), organisation, flag(item, ACTIVE),
                        instant(item, CREATED_AT), optionalString(item, LABEL).orElse("")));
            }
            keys.sort(Comparator.comparing(ApiKeyRecord::createdAt).thenComparing(ApiKeyRecord::keyId));
            return keys;
        } catch (SdkException e) {
            throw GatekeeperException.unavailable(UNAVAILABLE, e);
        }
    }

    private TransactWriteItem deactivation(Map<String, AttributeValue> key, String condition,
                                           Map<String, String> names, Map<String, AttributeValue> values) {
        Map<String, String> allNames = new HashMap<>(names);
        allNames.put("#pk", PARTITION_KEY);
        allNames.put("#active", ACTIVE);
        Map<String, AttributeValue> allValues = new HashMap<>(values);
        allValues.put(":inactive", bool(false));
        return TransactWriteItem.builder().update(Update.builder()
                .tableName(tableName)
                .key(key)
                .updateExpression("SET #active = :inactive")
                .conditionExpression(condition)
                .expressionAttributeNames(allNames)
                .expressionAttributeValues(allValues)
                .build()).build();
    }

    private static Map<String, AttributeValue> lookupKey(ApiKeyHash hash) {
        return key(API_KEY_PREFIX + hash.value(), API_KEY);
    }

    private static Map<String, AttributeValue> listingKey(OrganisationId organisation, String keyId) {
        return key(organisation.value(), API_KEY_PREFIX + keyId);
    }
}
