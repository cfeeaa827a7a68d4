package dev.gatekeeper.contract;

import dev.gatekeeper.local.GatekeeperLocal;
import dev.gatekeeper.local.LocalApi;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.UUID;

/**
 * The local runner, started in the test JVM on a free port: in memory, with the organisations and fixed demo keys
 * of events/seed.json, serving the functions of the real template.yaml.
 */
final class LocalGatekeeper implements AutoCloseable {
    static final String PARTNER_GROUP_KEY = "gk_demo_partner_group_key_0000000000000000000000";
    static final String PARTNER_KEY = "gk_demo_partner_key_00000000000000000000000000";
    static final String MERCHANT_KEY = "gk_demo_merchant_key_0000000000000000000000000";

    private final LocalApi api;

    private LocalGatekeeper(LocalApi api) {
        this.api = api;
    }

    static LocalGatekeeper start() {
        GatekeeperLocal runner = new GatekeeperLocal(Clock.systemUTC(), UUID::randomUUID, System.out, System.err);
        return new LocalGatekeeper(runner.serve("--port", "0", "--in-memory",
                "--seed", repoRoot().resolve("events/seed.json").toString(),
                "--template", repoRoot().resolve("template.yaml").toString()));
    }

    static Path repoRoot() {
        return Path.of(System.getProperty("gatekeeper.repoRoot", "..")).toAbsolutePath().normalize();
    }

    static Path openApiDocument() {
        return repoRoot().resolve("openapi.yaml");
    }

    /** The public Gatekeeper spec, kept beside the repository on machines that have it. */
    static Path referenceSpec() {
        return repoRoot().resolve("../shared/reference/gatekeeper-api-swagger.yaml").normalize();
    }

    /** HTTP Basic with the API key as the user name and an empty password. */
    static String basic(String apiKey) {
        return "Basic " + Base64.getEncoder().encodeToString((apiKey + ":").getBytes(StandardCharsets.UTF_8));
    }

    URI baseUri() {
        return api.baseUri();
    }

    @Override
    public void close() {
        api.close();
    }
}
