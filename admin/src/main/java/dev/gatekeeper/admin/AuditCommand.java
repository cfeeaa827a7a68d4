package dev.gatekeeper.admin;

import picocli.CommandLine.Command;

@Command(name = "audit",
        description = "Reads the audit trail: token issuance, revocation, revoke-all and refused credentials.",
        subcommands = {ListAuditCommand.class})
final class AuditCommand {
}
