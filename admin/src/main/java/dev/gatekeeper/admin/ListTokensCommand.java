package dev.gatekeeper.admin;

import dev.gatekeeper.core.organisation.OrganisationId;
import dev.gatekeeper.core.token.TokenRecord;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

@Command(name = "list",
        description = {"Lists the tokens issued for an organisation, newest first.",
                "STATUS is Gatekeeper's (ACTIVE or REVOKED: expiry does not change it); EXPIRED says whether the "
                        + "token's expiry has passed.",
                "API KEY is the key the token descends from (ORG/KEY_ID when another organisation owns it); "
                        + "'key revoke' of that key ends the token."})
final class ListTokensCommand extends AdminSubcommand {
    @Parameters(paramLabel = "ORG_ID", converter = ArgumentConverters.OrganisationIds.class,
            description = "The organisation the tokens act for.")
    private OrganisationId organisationId;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "50",
            description = "At most this many tokens. Default: ${DEFAULT-VALUE}.")
    private int limit;

    @Option(names = "--json", description = "Print a JSON array instead of a table.")
    private boolean json;

    @Override
    void run() {
        if (limit < 1) {
            throw new ParameterException(spec.commandLine(), "--limit must be at least 1");
        }
        requireOrganisation(organisationId);
        List<TokenRecord> tokens = table().tokens().listForOrganisation(organisationId, limit);
        Instant now = admin().clock().instant();
        out().print(json ? OutputFormat.tokensJson(tokens, now) + System.lineSeparator()
                : OutputFormat.tokenTable(tokens, now));
    }
}
