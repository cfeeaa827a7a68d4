package dev.gatekeeper.adapter.dynamodb;

import static dev.gatekeeper.adapter.dynamodb.Items.bool;
import static dev.gatekeeper.adapter.dynamodb.Items.flag;
import static dev.gatekeeper.adapter.dynamodb.Items.key;
import static dev.gatekeeper.adapter.dynamodb.Items.optionalString;
import static dev.gatekeeper.adapter.dynamodb.Items.s;
import static dev.gatekeeper.adapter.dynamodb.Items.string;
import static dev.gatekeeper.adapter.dynamodb.Items.stringList;
import static dev.gatekeeper.adapter.dynamodb.Items.strings;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.ACCESS_TYPE;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.ALLOWED_IPS;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.ALLOWED_SCOPES;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.IP_FILTERING;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.MTLS_FILTER;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.NAME;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.PARENT_ID;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.PARTITION_KEY;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.PRODUCTS;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.PROFILE;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.SORT_KEY;

import dev.gatekeeper.core.audit.AuditAction;
import dev.gatekeeper.core.audit.AuditContext;
import dev.gatekeeper.core.audit.AuditEvent;
import dev.gatekeeper.core.error.ErrorCode;
import dev.gatekeeper.core.error.GatekeeperException;
import dev.gatekeeper.core.organisation.AccessType;
import dev.gatekeeper.core.organisation.Organisation;
import dev.gatekeeper.core.organisation.OrganisationId;
import dev.gatekeeper.core.organisation.OrganisationRegistry;
import dev.gatekeeper.core.organisation.ProfileChange;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * Organisation profiles in the {@link TokenTable}: one {@value TokenTable#PROFILE} item per organisation. A creation
 * and an update write their audit record in the same transaction.
 */
public final class DynamoDbOrganisationRegistry implements OrganisationRegistry {
    private static final String UNAVAILABLE = "Organisation directory unavailable";
    /** Every attribute a profile item may have besides its key. */
    private static final List<String> PROFILE_ATTRIBUTES = List.of(NAME, ACCESS_TYPE, PARENT_ID, ALLOWED_SCOPES,
            PRODUCTS, IP_FILTERING, ALLOWED_IPS, MTLS_FILTER);

    /** The position of the profile's put in a creation or an update; the audit record's follows it. */
    private static final int PROFILE_PUT = 0;

    private final DynamoDbClient client;
    private final String tableName;
    private final Duration auditRetention;
    private final Supplier<UUID> auditIds;

    /** With the default audit retention and random audit record ids. */
    public DynamoDbOrganisationRegistry(DynamoDbClient client, String tableName) {
        this(client, tableName, DynamoDbTokenStore.DEFAULT_AUDIT_RETENTION, UUID::randomUUID);
    }

    /**
     * @param auditRetention how long the audit record of a creation or an update is kept
     * @param auditIds       the ids of audit records
     */
    public DynamoDbOrganisationRegistry(DynamoDbClient client, String tableName, Duration auditRetention,
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
    public Optional<Organisation> find(OrganisationId id) {
        try {
            Map<String, AttributeValue> item = client.getItem(request -> request
                    .tableName(tableName).key(key(id.value(), PROFILE))).item();
            return item == null || item.isEmpty() ? Optional.empty() : Optional.of(organisation(item));
        } catch (SdkException e) {
            throw GatekeeperException.unavailable(UNAVAILABLE, e);
        }
    }

    @Override
    public void create(Organisation organisation, Instant at, AuditContext audit) {
        AuditEvent event = AuditEvent.succeeded(auditIds.get(), organisation.id(), AuditAction.ORGANISATION_CREATED,
                null, null, at, audit, ProfileChange.describe(organisation));
        if (write(Items.putNew(tableName, item(organisation)), event) == PROFILE_PUT) {
            throw new IllegalStateException("organisation " + organisation.id() + " already exists");
        }
    }

    @Override
    public void update(Organisation expected, Organisation replacement, Instant at, AuditContext audit) {
        if (!expected.id().equals(replacement.id())) {
            throw new IllegalArgumentException("an update cannot change an organisation's id");
        }
        List<ProfileChange> changes = ProfileChange.between(expected, replacement);
        String changed = "organisation " + expected.id() + " was changed or removed since it was read";
        Map<String, AttributeValue> stored;
        try {
            stored = client.getItem(request -> request
                    .tableName(tableName).key(key(expected.id().value(), PROFILE)).consistentRead(true)).item();
        } catch (SdkException e) {
            throw GatekeeperException.unavailable(UNAVAILABLE, e);
        }
        if (stored == null || stored.isEmpty() || !organisation(stored).equals(expected)) {
            throw new IllegalStateException(changed);
        }
        if (changes.isEmpty()) {
            return;
        }
        // The condition is the stored item itself, attribute by attribute, rather than the item that `expected`
        // would be written as: a profile written by hand (a string set, a missing attribute) still matches itself,
        // and any write between that read and this put fails it.
        List<String> conditions = new ArrayList<>(List.of("attribute_exists(#pk)"));
        Map<String, String> names = new HashMap<>(Map.of("#pk", PARTITION_KEY));
        Map<String, AttributeValue> values = new HashMap<>();
        for (String attribute : new TreeSet<>(stored.keySet())) {
            if (!attribute.equals(PARTITION_KEY) && !attribute.equals(SORT_KEY)) {
                String name = "#a" + names.size();
                String value = ":v" + values.size();
                names.put(name, attribute);
                values.put(value, stored.get(attribute));
                conditions.add(name + " = " + value);
            }
        }
        for (String attribute : PROFILE_ATTRIBUTES) {
            if (!stored.containsKey(attribute)) {
                String name = "#a" + names.size();
                names.put(name, attribute);
                conditions.add("attribute_not_exists(" + name + ")");
            }
        }
        TransactWriteItem put = TransactWriteItem.builder().put(Put.builder()
                .tableName(tableName)
                .item(item(replacement))
                .conditionExpression(String.join(" AND ", conditions))
                .expressionAttributeNames(names)
                .expressionAttributeValues(values.isEmpty() ? null : values)
                .build()).build();
        AuditEvent event = AuditEvent.succeeded(auditIds.get(), expected.id(), AuditAction.ORGANISATION_UPDATED,
                null, null, at, audit, ProfileChange.describe(changes));
        if (write(put, event) == PROFILE_PUT) {
            throw new IllegalStateException(changed);
        }
    }

    @Override
    public List<Organisation> list() {
        ScanRequest scan = ScanRequest.builder()
                .tableName(tableName)
                .filterExpression("#sk = :profile")
                .expressionAttributeNames(Map.of("#sk", SORT_KEY))
                .expressionAttributeValues(Map.of(":profile", s(PROFILE)))
                .build();
        try {
            List<Organisation> organisations = new ArrayList<>();
            for (Map<String, AttributeValue> item : client.scanPaginator(scan).items()) {
                organisations.add(organisation(item));
            }
            organisations.sort(Comparator.comparing(organisation -> organisation.id().value()));
            return organisations;
        } catch (SdkException e) {
            throw GatekeeperException.unavailable(UNAVAILABLE, e);
        }
    }

    /**
     * Writes the profile and its audit record together: {@link Items#WRITTEN}, or {@link #PROFILE_PUT} if the
     * profile's condition failed. A record that cannot be put (its key taken) fails the whole as unavailable.
     */
    private int write(TransactWriteItem profile, AuditEvent event) {
        int failed = Items.transact(client,
                List.of(profile, Items.putNew(tableName, AuditItems.item(event, auditRetention))), UNAVAILABLE);
        if (failed != Items.WRITTEN && failed != PROFILE_PUT) {
            throw new GatekeeperException(ErrorCode.SERVICE_UNAVAILABLE, UNAVAILABLE);
        }
        return failed;
    }

    private static Map<String, AttributeValue> item(Organisation organisation) {
        Map<String, AttributeValue> item = new HashMap<>(key(organisation.id().value(), PROFILE));
        item.put(NAME, s(organisation.name()));
        item.put(ACCESS_TYPE, s(organisation.accessType().name()));
        if (organisation.parentId() != null) {
            item.put(PARENT_ID, s(organisation.parentId().value()));
        }
        // Sorted, so the stored item does not change with set iteration order.
        item.put(ALLOWED_SCOPES, stringList(new TreeSet<>(organisation.allowedScopes())));
        item.put(PRODUCTS, stringList(new TreeSet<>(organisation.products())));
        item.put(IP_FILTERING, bool(organisation.ipFiltering()));
        item.put(ALLOWED_IPS, stringList(organisation.allowedIps()));
        item.put(MTLS_FILTER, bool(organisation.mtlsFilter()));
        return item;
    }

    private static Organisation organisation(Map<String, AttributeValue> item) {
        return new Organisation(
                new OrganisationId(string(item, PARTITION_KEY)),
                optionalString(item, NAME).orElse(""),
                AccessType.valueOf(string(item, ACCESS_TYPE)),
                optionalString(item, PARENT_ID).map(OrganisationId::new).orElse(null),
                Set.copyOf(strings(item, ALLOWED_SCOPES)),
                Set.copyOf(strings(item, PRODUCTS)),
                flag(item, IP_FILTERING),
                strings(item, ALLOWED_IPS),
                flag(item, MTLS_FILTER));
    }
}
