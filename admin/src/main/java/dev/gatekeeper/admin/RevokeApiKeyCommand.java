package dev.gatekeeper.admin;

import dev.gatekeeper.core.organisation.OrganisationId;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "revoke",
        description = {"Deactivates one of an organisation's API keys, which stops working at once, then revokes every "
                + "live token obtained with it (or minted with such a token), wherever it is held, and prints how many.",
                "Running it again on a revoked key sweeps again, so an interrupted run can be finished.",
                "The deactivation leaves an audit record (API_KEY_DEACTIVATED, naming the key by its id), and so does "
                        + "each token revoked."})
final class RevokeApiKeyCommand extends AdminSubcommand {
    @Parameters(index = "0", paramLabel = "ORG_ID", converter = ArgumentConverters.OrganisationIds.class,
            description = "The organisation's id.")
    private OrganisationId organisationId;

    @Parameters(index = "1", paramLabel = "KEY_ID", description = "The key's id, as key list shows it.")
    private String keyId;

    @Option(names = "--keep-tokens",
            description = "Only deactivate the key: tokens obtained with it keep working until they expire or are "
                    + "revoked, but can no longer obtain new tokens.")
    private boolean keepTokens;

    @Override
    void run() {
        requireOrganisation(organisationId);
        Instant now = admin().clock().instant();
        if (!table().apiKeys().deactivate(organisationId, keyId, now)) {
            throw new AdminFailure("Organisation " + organisationId + " has no API key " + keyId);
        }
        String revokedKey = "Revoked API key " + keyId + " of organisation " + organisationId;
        if (keepTokens) {
            out().println(revokedKey + "; tokens obtained with it were kept");
            return;
        }
        // After the deactivation: from then on no token of the key's lineage can be stored, so the sweep misses none.
        long tokens = table().tokens().revokeByApiKey(organisationId, keyId, now);
        out().println(revokedKey + " and " + tokens + " token" + (tokens == 1 ? "" : "s") + " obtained with it");
    }
}
