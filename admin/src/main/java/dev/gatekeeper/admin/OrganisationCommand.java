package dev.gatekeeper.admin;

import picocli.CommandLine.Command;

@Command(name = "org",
        description = "Creates, updates, shows and lists organisations.",
        subcommands = {CreateOrganisationCommand.class, UpdateOrganisationCommand.class, ShowOrganisationCommand.class,
                ListOrganisationsCommand.class})
final class OrganisationCommand {
}
