package dev.gatekeeper.admin;

import dev.gatekeeper.core.audit.AuditEvent;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

@Command(name = "list",
        description = {"Lists an organisation's audit records between two times, oldest first.",
                "ORG_ID is the organisation acted on (for a refusal, the one whose credential was refused); "
                        + AuditEvent.UNATTRIBUTED + " lists refusals of credentials tied to no organisation."})
final class ListAuditCommand extends AdminSubcommand {
    @Parameters(paramLabel = "ORG_ID", converter = ArgumentConverters.AuditPartitions.class,
            description = "The organisation, or " + AuditEvent.UNATTRIBUTED + ".")
    private String organisation;

    @Option(names = "--from", paramLabel = "ISO_TIME", converter = ArgumentConverters.Instants.class,
            description = "Records at or after this time, such as 2026-05-01T00:00:00Z. Default: the earliest.")
    private Instant from;

    @Option(names = "--to", paramLabel = "ISO_TIME", converter = ArgumentConverters.Instants.class,
            description = "Records at or before this time. Default: now.")
    private Instant to;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100",
            description = "At most this many records. Default: ${DEFAULT-VALUE}.")
    private int limit;

    @Option(names = "--json", description = "Print a JSON array instead of a table.")
    private boolean json;

    @Override
    void run() {
        if (limit < 1) {
            throw new ParameterException(spec.commandLine(), "--limit must be at least 1");
        }
        Instant start = from == null ? Instant.EPOCH : from;
        Instant end = to == null ? admin().clock().instant() : to;
        if (end.isBefore(start)) {
            throw new ParameterException(spec.commandLine(), "--to must not be before --from");
        }
        // No check that the organisation exists: a deleted organisation's trail is still worth reading.
        List<AuditEvent> events = table().audit().find(organisation, start, end, limit);
        out().print(json ? OutputFormat.auditJson(events) + System.lineSeparator()
                : OutputFormat.auditTable(events));
    }
}
