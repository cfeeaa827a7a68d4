package dev.gatekeeper.local;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.UUID;
import java.util.function.Supplier;

/** The runner's stdout and stderr, captured; and runners that write to them. */
public final class Console {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
    private final PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);

    public GatekeeperLocal runner() {
        return runner(Clock.systemUTC(), UUID::randomUUID);
    }

    public GatekeeperLocal runner(Clock clock, Supplier<UUID> tokenIds) {
        return new GatekeeperLocal(clock, tokenIds, outStream, errStream);
    }

    public synchronized String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    public synchronized String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    public synchronized void clear() {
        out.reset();
        err.reset();
    }
}
