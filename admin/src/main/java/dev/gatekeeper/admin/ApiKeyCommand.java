package dev.gatekeeper.admin;

import picocli.CommandLine.Command;

@Command(name = "key",
        description = "Issues, lists and revokes organisations' API keys.",
        subcommands = {IssueApiKeyCommand.class, ListApiKeysCommand.class, RevokeApiKeyCommand.class})
final class ApiKeyCommand {
}
