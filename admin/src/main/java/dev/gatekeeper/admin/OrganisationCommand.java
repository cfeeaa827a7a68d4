package dev.gatekeeper.admin;

import picocli.CommandLine.Command;

@Command(name = "org",
        description = "Creates, shows and lists organisations.",
        subcommands = {CreateOrganisationCommand.class, ShowOrganisationCommand.class, ListOrganisationsCommand.class})
final class OrganisationCommand {
}
