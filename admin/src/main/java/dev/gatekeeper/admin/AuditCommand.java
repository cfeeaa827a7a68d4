package dev.gatekeeper.admin;

import picocli.CommandLine.Command;

@Command(name = "audit",
        description = "Reads the audit trail: token issuance, revocation, revoke-all, refused credentials, and "
                + "organisations created and updated, API keys issued and deactivated.",
        subcommands = {ListAuditCommand.class})
final class AuditCommand {
}
