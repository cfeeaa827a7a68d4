package dev.gatekeeper.admin;

import dev.gatekeeper.core.keys.SigningKeySet;
import dev.gatekeeper.core.keys.VerificationKeySet;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "remove",
        description = "Removes a previous signing key from the private and the public key set, so that tokens it "
                + "signed stop verifying everywhere within the key cache time (300 s). Refuses the current "
                + "key (rotate first) and refuses while a rotation is under way (its finish would bring the "
                + "key back). Running it again finishes a removal that reached one set only.")
final class RemoveSigningKeyCommand extends AdminSubcommand {
    @Parameters(paramLabel = "KID", description = "The key's id: a token header's kid, or as signing-key list shows it.")
    private String kid;

    @Override
    void run() {
        KeySecrets secrets = keySecrets();
        if (secrets.rotationInProgress()) {
            throw new AdminFailure("A rotation of the signing keys is under way (a version is staged AWSPENDING):"
                    + " finishing it would bring key " + kid + " back. Let it finish, then run this again");
        }
        SigningKeySet signing = secrets.signingKeys();
        VerificationKeySet published = secrets.publicKeys();
        if (signing.current().kid().equals(kid) || published.current().kid().equals(kid)) {
            throw new AdminFailure("Key " + kid + " is the current signing key: rotate first (SECURITY.md,"
                    + " Signing-key compromise), wait 300 s, then remove it");
        }
        List<String> removedFrom = new ArrayList<>();
        // The private set first: it is the one rotation builds the next sets from.
        if (signing.find(kid).isPresent()) {
            secrets.putSigningKeys(signing.withoutPrevious(kid));
            removedFrom.add("the private key set");
        }
        if (published.find(kid).isPresent()) {
            secrets.putPublicKeys(published.withoutPrevious(kid));
            removedFrom.add("the public key set");
        }
        if (removedFrom.isEmpty()) {
            throw new AdminFailure("Key " + kid + " is in neither key set");
        }
        out().println("Removed key " + kid + " from " + String.join(" and ", removedFrom) + ". Every function drops"
                + " it within 300 s (SIGNING_KEY_CACHE_SECONDS); tokens it signed are refused from then on.");
    }
}
