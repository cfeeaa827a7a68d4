package dev.gatekeeper.local.seed;

import dev.gatekeeper.core.organisation.Organisation;
import java.util.List;

/** Organisations to load, each with its API keys in plain text (hashed when stored), parents before children. */
public record Seed(List<Entry> organisations) {
    public Seed {
        organisations = List.copyOf(organisations);
    }

    public record Entry(Organisation organisation, List<String> apiKeys) {
        public Entry {
            apiKeys = List.copyOf(apiKeys);
        }
    }
}
