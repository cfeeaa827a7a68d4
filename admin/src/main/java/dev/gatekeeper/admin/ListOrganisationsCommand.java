package dev.gatekeeper.admin;

import dev.gatekeeper.core.organisation.Organisation;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "list", description = "Lists every organisation in the table.")
final class ListOrganisationsCommand extends AdminSubcommand {
    @Option(names = "--json", description = "Print a JSON array of profiles instead of a table.")
    private boolean json;

    @Override
    void run() {
        List<Organisation> organisations = table().organisations().list();
        out().print(json ? OutputFormat.organisationsJson(organisations) + System.lineSeparator()
                : OutputFormat.organisationTable(organisations));
    }
}
