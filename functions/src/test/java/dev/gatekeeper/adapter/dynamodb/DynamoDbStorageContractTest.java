package dev.gatekeeper.adapter.dynamodb;

import static dev.gatekeeper.adapter.dynamodb.DynamoDbTokenStore.DEFAULT_AUDIT_RETENTION;

import dev.gatekeeper.testing.LocalDynamoDb;
import dev.gatekeeper.testing.StorageContract;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The reference: the deployed adapters against DynamoDB Local, one new table per test. */
class DynamoDbStorageContractTest extends StorageContract {
    @Override
    protected Ports newStorage(Duration tokenRetention, Supplier<UUID> auditIds) {
        DynamoDbClient client = LocalDynamoDb.shared().client();
        String table = LocalDynamoDb.shared().createTokenTable();
        return new Ports(
                new DynamoDbTokenStore(client, table, tokenRetention, DEFAULT_AUDIT_RETENTION, auditIds),
                new DynamoDbApiKeyRegistry(client, table, DEFAULT_AUDIT_RETENTION, auditIds),
                new DynamoDbOrganisationRegistry(client, table, DEFAULT_AUDIT_RETENTION, auditIds),
                new DynamoDbAuditLog(client, table, DEFAULT_AUDIT_RETENTION));
    }
}
