package dev.gatekeeper.local.seed;

import java.util.List;

/** A seed that cannot be loaded, with every problem found, so one run shows them all. Nothing has been written. */
public final class SeedFileException extends RuntimeException {
    private final List<String> problems;

    public SeedFileException(String source, List<String> problems) {
        super(source + " cannot be loaded:\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
