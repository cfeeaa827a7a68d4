package dev.gatekeeper.admin;

import dev.gatekeeper.core.organisation.OrganisationId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "show", description = "Prints an organisation's profile as JSON.")
final class ShowOrganisationCommand extends AdminSubcommand {
    @Parameters(paramLabel = "ID", converter = ArgumentConverters.OrganisationIds.class,
            description = "The organisation's id.")
    private OrganisationId id;

    @Override
    void run() {
        out().println(OutputFormat.organisationJson(requireOrganisation(id)));
    }
}
