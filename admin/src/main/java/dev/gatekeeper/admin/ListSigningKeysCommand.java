package dev.gatekeeper.admin;

import dev.gatekeeper.core.keys.SigningKeySet;
import dev.gatekeeper.core.keys.VerificationKeySet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "list",
        description = "Lists the signing keys, current first: algorithm, when each previous key stopped signing, "
                + "and whether each set holds it (a key in one set only is a removal or rotation left half "
                + "done).")
final class ListSigningKeysCommand extends AdminSubcommand {
    @Option(names = "--json", description = "Print a JSON array instead of a table.")
    private boolean json;

    @Override
    void run() {
        SigningKeySet signing = keySecrets().signingKeys();
        VerificationKeySet published = keySecrets().publicKeys();
        out().print(json ? OutputFormat.signingKeysJson(signing, published) + System.lineSeparator()
                : OutputFormat.signingKeyTable(signing, published));
    }
}
