package dev.gatekeeper.admin;

import dev.gatekeeper.core.apikey.ApiKeyHash;
import dev.gatekeeper.core.apikey.ApiKeyRecord;
import dev.gatekeeper.core.organisation.Organisation;
import dev.gatekeeper.core.organisation.OrganisationId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "issue",
        description = {"Issues a new API key for an organisation and prints it once.",
                "Only the key's hash is stored: the key cannot be shown again.",
                "The issue leaves an audit record (API_KEY_ISSUED, naming the key by its id and label)."})
final class IssueApiKeyCommand extends AdminSubcommand {
    @Parameters(paramLabel = "ORG_ID", converter = ArgumentConverters.OrganisationIds.class,
            description = "The organisation the key authenticates.")
    private OrganisationId organisationId;

    @Option(names = "--label", paramLabel = "TEXT", description = "A note saying who or what holds the key.")
    private String label;

    @Override
    void run() {
        Organisation organisation = requireOrganisation(organisationId);
        String apiKey = admin().apiKeyGenerator().newKey();
        ApiKeyRecord key = new ApiKeyRecord(ApiKeyHash.of(apiKey), organisation.id(), true,
                admin().clock().instant(), label);
        if (!table().apiKeys().add(key)) {
            // Checked when read above, so only a removal since then lands here; nothing was written.
            throw new AdminFailure("Organisation " + organisationId + " not found");
        }
        out().println("Issued API key " + key.keyId() + " for organisation " + organisation.id());
        out().println("API key: " + apiKey);
        err().println("Store the API key now: only its hash is kept, so it cannot be shown again.");
    }
}
