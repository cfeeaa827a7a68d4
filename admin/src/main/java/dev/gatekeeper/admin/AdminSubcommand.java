package dev.gatekeeper.admin;

import dev.gatekeeper.core.organisation.Organisation;
import dev.gatekeeper.core.organisation.OrganisationId;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that does one thing to the table (or to the signing-key secrets). It succeeds by returning; it fails by throwing, and
 * {@link ErrorReporter} picks the message and exit code.
 */
abstract class AdminSubcommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() {
        run();
        return GatekeeperAdmin.OK;
    }

    abstract void run();

    /** Where the clock, randomness and key generator come from. */
    final GatekeeperAdmin admin() {
        return root().admin();
    }

    final AdminTable table() {
        return root().table(spec.commandLine());
    }

    final KeySecrets keySecrets() {
        return root().keySecrets(spec.commandLine());
    }

    final PrintWriter out() {
        return spec.commandLine().getOut();
    }

    final PrintWriter err() {
        return spec.commandLine().getErr();
    }

    private GatekeeperAdminCommand root() {
        return (GatekeeperAdminCommand) spec.root().userObject();
    }

    final Organisation requireOrganisation(OrganisationId id) {
        return table().organisations().find(id)
                .orElseThrow(() -> new AdminFailure("Organisation " + id + " not found"));
    }
}
