package dev.gatekeeper.admin;

import picocli.CommandLine.Command;

@Command(name = "signing-key",
        description = "Lists the signing keys in the stack's two key secrets, and removes a previous key from "
                + "both (a key that leaked: tokens it signed stop verifying). Rotation adds keys; see "
                + "SECURITY.md.",
        subcommands = {ListSigningKeysCommand.class, RemoveSigningKeyCommand.class})
final class SigningKeyCommand {
}
