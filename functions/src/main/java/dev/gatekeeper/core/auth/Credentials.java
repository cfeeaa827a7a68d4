package dev.gatekeeper.core.auth;

/** What a request presented in its {@code Authorization} header. toString never shows the secret. */
public sealed interface Credentials {
    record ApiKey(String key) implements Credentials {
        @Override
        public String toString() {
            return "ApiKey[redacted]";
        }
    }

    record Bearer(String token) implements Credentials {
        @Override
        public String toString() {
            return "Bearer[redacted]";
        }
    }
}
