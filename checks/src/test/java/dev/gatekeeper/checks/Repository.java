package dev.gatekeeper.checks;

import java.nio.file.Path;

/** Files of the repository the checks run in; Maven passes its root as the gatekeeper.repoRoot property. */
final class Repository {
    private Repository() {
    }

    static Path file(String relative) {
        return root().resolve(relative);
    }

    static Path root() {
        String root = System.getProperty("gatekeeper.repoRoot");
        if (root == null) {
            throw new IllegalStateException("gatekeeper.repoRoot is not set: run the checks through Maven");
        }
        return Path.of(root).toAbsolutePath().normalize();
    }
}
