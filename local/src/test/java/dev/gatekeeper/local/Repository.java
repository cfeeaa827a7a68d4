package dev.gatekeeper.local;

import java.nio.file.Path;

/** Files of the repository the tests run against: the real template, events and seed. */
public final class Repository {
    private Repository() {
    }

    public static Path root() {
        return Path.of(System.getProperty("gatekeeper.repoRoot", "..")).toAbsolutePath().normalize();
    }

    public static Path template() {
        return root().resolve("template.yaml");
    }

    public static Path events() {
        return root().resolve("events");
    }

    public static Path event(String name) {
        return events().resolve(name);
    }

    public static Path seed() {
        return event("seed.json");
    }
}
