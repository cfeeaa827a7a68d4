package dev.gatekeeper.admin;

import dev.gatekeeper.core.organisation.OrganisationId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "revoke", description = "Deactivates one of an organisation's API keys; it stops working at once.")
final class RevokeApiKeyCommand extends AdminSubcommand {
    @Parameters(index = "0", paramLabel = "ORG_ID", converter = ArgumentConverters.OrganisationIds.class,
            description = "The organisation's id.")
    private OrganisationId organisationId;

    @Parameters(index = "1", paramLabel = "KEY_ID", description = "The key's id, as key list shows it.")
    private String keyId;

    @Override
    void run() {
        requireOrganisation(organisationId);
        if (!table().apiKeys().deactivate(organisationId, keyId)) {
            throw new AdminFailure("Organisation " + organisationId + " has no API key " + keyId);
        }
        out().println("Revoked API key " + keyId + " of organisation " + organisationId);
    }
}
