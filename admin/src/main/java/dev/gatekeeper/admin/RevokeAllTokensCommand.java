package dev.gatekeeper.admin;

import dev.gatekeeper.core.organisation.OrganisationId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "revoke-all",
        description = "Revokes every token issued for an organisation and prints how many were active.")
final class RevokeAllTokensCommand extends AdminSubcommand {
    @Parameters(paramLabel = "ORG_ID", converter = ArgumentConverters.OrganisationIds.class,
            description = "The organisation the tokens act for.")
    private OrganisationId organisationId;

    @Override
    void run() {
        requireOrganisation(organisationId);
        long revoked = table().tokens().revokeAll(organisationId, admin().clock().instant());
        out().println("Revoked " + revoked + " active token" + (revoked == 1 ? "" : "s") + " of organisation "
                + organisationId);
    }
}
