package dev.gatekeeper.core.apikey;

import java.util.Optional;

/** Port: looks up API keys by their hash. Never sees a key in plain text. */
public interface ApiKeyStore {
    Optional<ApiKeyRecord> findByHash(ApiKeyHash hash);
}
