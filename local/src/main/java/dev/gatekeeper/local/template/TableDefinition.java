package dev.gatekeeper.local.template;

import java.util.List;
import java.util.Optional;

/**
 * An {@code AWS::DynamoDB::Table} of the template: what it takes to create the same table locally.
 *
 * @param name                the name a {@code !Ref} to it gives locally: its {@code TableName}, else its logical id
 * @param billingMode         {@code PAY_PER_REQUEST} or {@code PROVISIONED} (CloudFormation's default)
 * @param throughput          the table's provisioned capacity; empty unless provisioned
 * @param timeToLiveAttribute the TTL attribute when TTL is enabled
 */
public record TableDefinition(
        String logicalId,
        String name,
        List<Attribute> attributes,
        List<KeyElement> keySchema,
        List<Index> localIndexes,
        List<Index> globalIndexes,
        String billingMode,
        Optional<Throughput> throughput,
        Optional<String> timeToLiveAttribute) {

    public TableDefinition {
        attributes = List.copyOf(attributes);
        keySchema = List.copyOf(keySchema);
        localIndexes = List.copyOf(localIndexes);
        globalIndexes = List.copyOf(globalIndexes);
    }

    /** @param type {@code S}, {@code N} or {@code B} */
    public record Attribute(String name, String type) {
    }

    /** @param keyType {@code HASH} or {@code RANGE} */
    public record KeyElement(String attributeName, String keyType) {
    }

    public record Index(String name, List<KeyElement> keySchema, String projectionType, List<String> nonKeyAttributes,
                        Optional<Throughput> throughput) {
        public Index {
            keySchema = List.copyOf(keySchema);
            nonKeyAttributes = List.copyOf(nonKeyAttributes);
        }
    }

    public record Throughput(long readCapacityUnits, long writeCapacityUnits) {
    }
}
