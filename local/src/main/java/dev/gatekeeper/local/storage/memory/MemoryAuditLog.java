package dev.gatekeeper.local.storage.memory;

import dev.gatekeeper.core.audit.AuditEvent;
import dev.gatekeeper.core.audit.AuditLog;
import dev.gatekeeper.local.storage.memory.MemoryTable.AuditKey;
import java.time.Instant;
import java.util.List;
import java.util.NavigableMap;

/** Refusals recorded and the trail read, in a {@link MemoryTable}. */
final class MemoryAuditLog implements AuditLog {
    private final MemoryTable table;

    MemoryAuditLog(MemoryTable table) {
        this.table = table;
    }

    @Override
    public void record(AuditEvent event) {
        synchronized (table) {
            table.record(event);
        }
    }

    @Override
    public List<AuditEvent> find(String organisation, Instant from, Instant to, int limit) {
        if (limit <= 0 || to.isBefore(from)) {
            return List.of();
        }
        synchronized (table) {
            NavigableMap<AuditKey, AuditEvent> records = table.audit.get(organisation);
            if (records == null) {
                return List.of();
            }
            // Whole milliseconds at both ends, as the table's key range reads them.
            return records.subMap(new AuditKey(from.toEpochMilli(), ""), true,
                            new AuditKey(to.toEpochMilli(), String.valueOf(Character.MAX_VALUE)), true)
                    .values().stream().limit(limit).toList();
        }
    }
}
