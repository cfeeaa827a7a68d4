package dev.gatekeeper.admin;

import picocli.CommandLine.Command;

@Command(name = "token",
        description = "Lists and revokes the tokens issued for an organisation.",
        subcommands = {ListTokensCommand.class, RevokeTokenCommand.class, RevokeAllTokensCommand.class})
final class TokenCommand {
}
