package dev.gatekeeper.local.storage.memory;

import dev.gatekeeper.testing.StorageContract;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The runner's in-memory table held to the contract the DynamoDB adapters pass. It keeps every record until the
 * runner stops, as DynamoDB Local (which runs no TTL) does, so the retention is not its to apply.
 */
class MemoryStorageContractTest extends StorageContract {
    @Override
    protected Ports newStorage(Duration tokenRetention, Supplier<UUID> auditIds) {
        MemoryTable table = new MemoryTable(auditIds);
        return new Ports(table.tokens(), table.apiKeys(), table.organisations(), table.auditLog());
    }
}
