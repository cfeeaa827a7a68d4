package dev.gatekeeper.admin;

import dev.gatekeeper.core.apikey.ApiKeyRecord;
import dev.gatekeeper.core.organisation.OrganisationId;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "list", description = "Lists an organisation's API keys by key id, oldest first.")
final class ListApiKeysCommand extends AdminSubcommand {
    @Parameters(paramLabel = "ORG_ID", converter = ArgumentConverters.OrganisationIds.class,
            description = "The organisation's id.")
    private OrganisationId organisationId;

    @Option(names = "--json", description = "Print a JSON array instead of a table.")
    private boolean json;

    @Override
    void run() {
        requireOrganisation(organisationId);
        List<ApiKeyRecord> keys = table().apiKeys().listFor(organisationId);
        out().print(json ? OutputFormat.apiKeysJson(keys) + System.lineSeparator() : OutputFormat.apiKeyTable(keys));
    }
}
