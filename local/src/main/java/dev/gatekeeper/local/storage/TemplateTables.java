package dev.gatekeeper.local.storage;

import dev.gatekeeper.local.template.TableDefinition;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/** Creates the template's tables in a local DynamoDB (embedded or an emulator) exactly as the template defines them. */
public final class TemplateTables {
    private TemplateTables() {
    }

    /**
     * Creates the table under {@code name} if it does not exist, and turns on the TTL the template enables. An
     * existing table is kept with its items; if its keys or indexes differ from the template's, a warning says so.
     */
    public static void ensure(DynamoDbClient client, TableDefinition table, String name, Consumer<String> log) {
        Optional<TableDescription> existing = describe(client, name);
        if (existing.isEmpty()) {
            client.createTable(createRequest(table, name));
            client.waiter().waitUntilTableExists(request -> request.tableName(name));
            log.accept("Created table " + name + (name.equals(table.logicalId()) ? "" : " (" + table.logicalId() + " of the template)"));
        } else if (!sameShape(existing.get(), table)) {
            log.accept("Warning: table " + name + " was created from an older " + table.logicalId()
                    + " definition (keys or indexes differ); delete the data directory to recreate it");
        }
        table.timeToLiveAttribute().ifPresent(attribute -> enableTimeToLive(client, name, attribute));
    }

    static CreateTableRequest createRequest(TableDefinition table, String name) {
        boolean provisioned = !table.billingMode().equals("PAY_PER_REQUEST");
        CreateTableRequest.Builder request = CreateTableRequest.builder()
                .tableName(name)
                .attributeDefinitions(table.attributes().stream()
                        .map(attribute -> AttributeDefinition.builder()
                                .attributeName(attribute.name()).attributeType(attribute.type()).build())
                        .toList())
                .keySchema(keys(table.keySchema()))
                .billingMode(provisioned ? BillingMode.PROVISIONED : BillingMode.PAY_PER_REQUEST);
        if (provisioned) {
            request.provisionedThroughput(throughput(table.throughput()));
        }
        if (!table.localIndexes().isEmpty()) {
            request.localSecondaryIndexes(table.localIndexes().stream()
                    .map(index -> LocalSecondaryIndex.builder()
                            .indexName(index.name()).keySchema(keys(index.keySchema())).projection(projection(index))
                            .build())
                    .toList());
        }
        if (!table.globalIndexes().isEmpty()) {
            request.globalSecondaryIndexes(table.globalIndexes().stream()
                    .map(index -> {
                        GlobalSecondaryIndex.Builder global = GlobalSecondaryIndex.builder()
                                .indexName(index.name()).keySchema(keys(index.keySchema())).projection(projection(index));
                        if (provisioned) {
                            global.provisionedThroughput(throughput(index.throughput()));
                        }
                        return global.build();
                    })
                    .toList());
        }
        return request.build();
    }

    private static Optional<TableDescription> describe(DynamoDbClient client, String name) {
        try {
            return Optional.of(client.describeTable(request -> request.tableName(name)).table());
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        }
    }

    private static boolean sameShape(TableDescription existing, TableDefinition table) {
        return existing.keySchema().equals(keys(table.keySchema()))
                && names(existing.localSecondaryIndexes().stream().map(index -> index.indexName()).toList())
                        .equals(names(table.localIndexes().stream().map(TableDefinition.Index::name).toList()))
                && names(existing.globalSecondaryIndexes().stream().map(index -> index.indexName()).toList())
                        .equals(names(table.globalIndexes().stream().map(TableDefinition.Index::name).toList()));
    }

    private static Set<String> names(List<String> names) {
        return names.stream().collect(Collectors.toSet());
    }

    private static void enableTimeToLive(DynamoDbClient client, String name, String attribute) {
        TimeToLiveStatus status = client.describeTimeToLive(request -> request.tableName(name))
                .timeToLiveDescription().timeToLiveStatus();
        if (status != TimeToLiveStatus.ENABLED && status != TimeToLiveStatus.ENABLING) {
            client.updateTimeToLive(request -> request.tableName(name)
                    .timeToLiveSpecification(spec -> spec.attributeName(attribute).enabled(true)));
        }
    }

    private static List<KeySchemaElement> keys(List<TableDefinition.KeyElement> schema) {
        return schema.stream()
                .map(key -> KeySchemaElement.builder().attributeName(key.attributeName()).keyType(key.keyType()).build())
                .toList();
    }

    private static Projection projection(TableDefinition.Index index) {
        Projection.Builder projection = Projection.builder().projectionType(index.projectionType());
        if (!index.nonKeyAttributes().isEmpty()) {
            projection.nonKeyAttributes(index.nonKeyAttributes());
        }
        return projection.build();
    }

    /** CloudFormation requires capacity for a provisioned table; a template without it gets DynamoDB Local's 5/5. */
    private static ProvisionedThroughput throughput(Optional<TableDefinition.Throughput> throughput) {
        return throughput
                .map(units -> ProvisionedThroughput.builder()
                        .readCapacityUnits(units.readCapacityUnits()).writeCapacityUnits(units.writeCapacityUnits()).build())
                .orElse(ProvisionedThroughput.builder().readCapacityUnits(5L).writeCapacityUnits(5L).build());
    }
}
