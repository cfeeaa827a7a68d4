package dev.gatekeeper.admin;

import dev.gatekeeper.core.audit.AuditContext;
import dev.gatekeeper.core.organisation.OrganisationId;
import dev.gatekeeper.core.token.TokenId;
import dev.gatekeeper.core.token.TokenRecord;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "revoke",
        description = "Revokes one token and every live token minted with it (and with those). Revoking a revoked "
                + "token prints when it was revoked, and revokes what was minted with it if that is still live.")
final class RevokeTokenCommand extends AdminSubcommand {
    @Parameters(index = "0", paramLabel = "ORG_ID", converter = ArgumentConverters.OrganisationIds.class,
            description = "The organisation the token acts for, or the partner that requested it.")
    private OrganisationId organisationId;

    @Parameters(index = "1", paramLabel = "TOKEN_ID", converter = ArgumentConverters.TokenIds.class,
            description = "The token's id (its jti).")
    private TokenId tokenId;

    @Override
    void run() {
        requireOrganisation(organisationId);
        // Stored to the millisecond: compared that way, it tells this revocation from an earlier one.
        Instant now = Instant.ofEpochMilli(admin().clock().millis());
        TokenRecord token = table().tokens().revoke(organisationId, tokenId, now)
                .orElseThrow(() -> new AdminFailure("Organisation " + organisationId + " has no token " + tokenId));
        out().println(token.revokedAt().equals(now)
                ? "Revoked token " + tokenId + " at " + token.revokedAt()
                : "Token " + tokenId + " was already revoked at " + token.revokedAt());
        // No limit here, unlike a request's: an operator's command may take as long as the tree is big.
        long minted = table().tokens().revokeMintedWith(token, now, AuditContext.administrator(), Integer.MAX_VALUE)
                .revoked();
        if (minted > 0) {
            out().println("Revoked " + minted + " tokens minted with it");
        }
    }
}
