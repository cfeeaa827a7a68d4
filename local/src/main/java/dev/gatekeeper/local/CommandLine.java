package dev.gatekeeper.local;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The runner's command line: {@code [serve] [options]}, {@code invoke FUNCTION -e EVENT [options]}, {@code help}. */
final class CommandLine {
    static final Path DEFAULT_DATA_DIRECTORY = Path.of(".gatekeeper");
    static final int DEFAULT_PORT = 3000;

    static final String USAGE = """
            Usage: scripts/run [serve] [options]
                   scripts/run invoke FUNCTION -e EVENT.json [options]
                   scripts/run help [serve | invoke]

            Runs the functions of template.yaml on this machine, with DynamoDB Local embedded: no AWS account,
            no Docker. Paths are relative to the working directory (scripts/run works from the repository root).

            Commands:
              serve    serve every function's API event on http://127.0.0.1:3000 (the default command), with
                       the API reference at /docs and /openapi.yaml
              invoke   run one function once with an event and print its response, like `sam local invoke`

            Run `scripts/run help serve` or `scripts/run help invoke` for their options.
            """;

    private static final String STORAGE_OPTIONS = """
              --data-dir DIR      keep tables and the signing key in DIR (default .gatekeeper); kept between runs
              --in-memory         keep nothing: a fresh, empty store that goes when the runner stops
              --store KIND        where the functions keep their records: dynamodb-local (the default: DynamoDB
                                  Local, embedded, as deployed through the AWS SDK) or memory (the runner's own
                                  memory, behind the same storage ports: several times faster, for load tests; keeps
                                  nothing, like --in-memory, and has no endpoint for the admin CLI)
              --seed FILE         load organisations and API keys from FILE first (format: events/seed.json);
                                  organisations already stored are left as they are
              --aws-endpoint URL  use an AWS emulator (moto server, LocalStack) at URL for DynamoDB and Secrets
                                  Manager instead; tables and the signing key secret are created there if missing
              --env-vars FILE     set the functions' environment variables from FILE, in sam local's format:
                                  {"Parameters": {...}} for every function, {"FunctionId": {...}} for one
              --template FILE     the SAM template (default template.yaml)
              -h, --help          show this help
            """;

    static final String SERVE_HELP = """
            Usage: scripts/run [serve] [options]

            Serves every function of template.yaml that has an Api event, on 127.0.0.1, as API Gateway would:
            same routes and path parameters, the proxy event the function receives, its response as the HTTP
            response. URLs work with and without the stage prefix (/tokens and /v1/tokens). One line is logged
            per request; Ctrl-C stops the runner and keeps the data.

            Also served: GET /openapi.yaml (the openapi.yaml beside the template) and GET /docs (an API reference
            rendered from it, readable offline).

            The store is DynamoDB Local on 127.0.0.1; the banner prints its endpoint and table, which the admin
            CLI takes: scripts/admin --endpoint http://127.0.0.1:PORT --table TokensTable org list. With
            --store memory the records stay in the runner's memory instead (faster; no admin CLI).

            Without --seed, an empty store gets demo organisations (a partner group, a partner, two merchants)
            with new API keys, printed once and written to DIR/demo-credentials.json.

            Options:
              --port N            listen on 127.0.0.1:N (default 3000; 0 picks a free port)
              --dynamodb-port N   run the embedded DynamoDB Local on 127.0.0.1:N (default 0: any free port,
                                  printed at startup); fix it to point the admin CLI at the same place each run
              --protect           also serve the sample protected API of examples/protected-api.yaml (beside the
                                  template): GET /protected/whoami behind TokenAuthorizerFunction as its REQUEST
                                  authorizer, decided afresh on every request (ReauthorizeEvery: 0). Answers the
                                  authorizer's context for a valid Bearer token or API key, 401 for missing,
                                  invalid or revoked credentials, 403 for a source outside the IP allow-list

            Throttling, as API Gateway's, with token buckets (a bucket holds BURST requests, is full at first and
            refills at RATE a second): each credential (the Authorization header, kept only as its SHA-256, so one
            bucket per API key or token, that is per organisation) has its own bucket, checked first, with the
            template's per-API-key usage plan Throttle; a request it admits then takes a token from the bucket the
            whole stage shares, with the template's MethodSettings throttle (a request the stage refuses gives the
            caller's token back). Requests without credentials count only against the stage. An empty bucket is a
            429 with the template's THROTTLED gateway response (an ErrorResponse, TOO_MANY_REQUESTS) and a
            Retry-After header in seconds. So one organisation's flood is refused from its own bucket while the
            others keep being served, until the floods together exceed the stage. /docs, /openapi.yaml and
            --protect's routes are not throttled. Deployed, the usage plan limits only x-api-key callers (see the
            template), so there the stage limit is all that stands between organisations.
              --throttle-rate R   each credential's rate, requests a second (default: the usage plan's)
              --throttle-burst B  each credential's burst (default: the usage plan's)
              --stage-throttle-rate R   the stage's rate (default: the template's MethodSettings)
              --stage-throttle-burst B  the stage's burst (default: the template's MethodSettings)
              --no-throttle       throttle nothing (for load tests of the functions themselves)
            """ + STORAGE_OPTIONS;

    static final String INVOKE_HELP = """
            Usage: scripts/run invoke FUNCTION -e EVENT.json [options]

            Runs the function with logical id FUNCTION once, in this process, with the event in EVENT.json (read
            as the type its handler declares, as Lambda reads it), and prints the response as JSON on stdout; the
            logs go to stderr. A function that throws prints Lambda's error payload and exits with status 1.
            Events for the API functions are in events/; they need the organisations of events/seed.json:

              scripts/run invoke RequestTokenFunction -e events/request-token.json --seed events/seed.json

            Options:
              -e, --event FILE    the event (required; - reads it from stdin)
            """ + STORAGE_OPTIONS;

    private static final Set<String> VALUE_OPTIONS = Set.of("--port", "--dynamodb-port", "--data-dir", "--store", "--seed", "--aws-endpoint",
            "--env-vars", "--template", "--event", "-e", "--throttle-rate", "--throttle-burst", "--stage-throttle-rate",
            "--stage-throttle-burst");

    sealed interface Command permits Help, Serve, Invoke {
    }

    record Help(String text) implements Command {
    }

    /**
     * @param dataDirectory empty for {@code --in-memory} and {@code --store memory}
     * @param store         where the functions without an AWS endpoint keep their records
     */
    record Storage(Path template, Optional<Path> dataDirectory, Optional<URI> awsEndpoint, Optional<Path> envVars,
                   Optional<Path> seed, Store store) {
    }

    /** {@code --store}: what the functions keep their records in when no AWS emulator is named. */
    enum Store {
        /** DynamoDB Local, embedded, reached through the AWS SDK as the deployed functions reach DynamoDB. */
        DYNAMODB_LOCAL("dynamodb-local"),
        /** The runner's own memory, behind the same storage ports (MemoryTable). */
        MEMORY("memory");

        final String option;

        Store(String option) {
            this.option = option;
        }

        static Store of(String value) {
            for (Store store : values()) {
                if (store.option.equals(value)) {
                    return store;
                }
            }
            throw new UsageException("--store must be dynamodb-local or memory, not \"" + value + "\"");
        }
    }

    /**
     * @param dynamoDbPort the embedded DynamoDB Local's port; 0 for any free one
     * @param protect      also serve the sample protected API behind the authorizer
     * @param throttling   the throttle options; the rest comes from the template
     */
    record Serve(Storage storage, int port, int dynamoDbPort, boolean protect, Throttling throttling) implements Command {
    }

    /**
     * The throttling options of serve: what is not given comes from the template.
     *
     * @param off no throttling at all
     */
    record Throttling(boolean off, Optional<Double> rate, Optional<Integer> burst, Optional<Double> stageRate,
                      Optional<Integer> stageBurst) {
    }

    record Invoke(Storage storage, String functionId, String event) implements Command {
    }

    private CommandLine() {
    }

    static Command parse(List<String> args) {
        if (args.isEmpty()) {
            return serve(List.of());
        }
        String first = args.get(0);
        List<String> rest = args.subList(1, args.size());
        return switch (first) {
            case "serve" -> serve(rest);
            case "invoke" -> invoke(rest);
            case "help", "-h", "--help" -> help(rest);
            default -> {
                if (first.startsWith("-")) {
                    yield serve(args);
                }
                throw new UsageException("unknown command \"" + first + "\"; the commands are serve, invoke and help");
            }
        };
    }

    private static Command help(List<String> topic) {
        if (topic.isEmpty()) {
            return new Help(USAGE);
        }
        return switch (topic.get(0)) {
            case "serve" -> new Help(SERVE_HELP);
            case "invoke" -> new Help(INVOKE_HELP);
            default -> throw new UsageException("no help on \"" + topic.get(0) + "\"; try help serve or help invoke");
        };
    }

    private static Command serve(List<String> args) {
        Options options = Options.parse(args, "serve");
        if (options.help) {
            return new Help(SERVE_HELP);
        }
        if (!options.positional.isEmpty()) {
            throw new UsageException("serve takes no arguments, only options (found \"" + options.positional.get(0) + "\")");
        }
        if (options.event != null) {
            throw new UsageException("--event is an option of invoke, not of serve");
        }
        Throttling throttling = new Throttling(options.noThrottle, Optional.ofNullable(options.throttleRate),
                Optional.ofNullable(options.throttleBurst), Optional.ofNullable(options.stageThrottleRate),
                Optional.ofNullable(options.stageThrottleBurst));
        if (throttling.off() && (throttling.rate().isPresent() || throttling.burst().isPresent()
                || throttling.stageRate().isPresent() || throttling.stageBurst().isPresent())) {
            throw new UsageException("--no-throttle excludes the other throttle options");
        }
        if (options.store == Store.MEMORY && options.dynamoDbPort != null) {
            throw new UsageException("--dynamodb-port names DynamoDB Local's port; --store memory runs none");
        }
        return new Serve(options.storage(), options.port == null ? DEFAULT_PORT : options.port,
                options.dynamoDbPort == null ? 0 : options.dynamoDbPort, options.protect, throttling);
    }

    private static Command invoke(List<String> args) {
        Options options = Options.parse(args, "invoke");
        if (options.help) {
            return new Help(INVOKE_HELP);
        }
        if (options.port != null) {
            throw new UsageException("--port is an option of serve, not of invoke");
        }
        if (options.dynamoDbPort != null) {
            throw new UsageException("--dynamodb-port is an option of serve, not of invoke");
        }
        if (options.protect) {
            throw new UsageException("--protect is an option of serve, not of invoke");
        }
        if (options.noThrottle || options.throttleRate != null || options.throttleBurst != null
                || options.stageThrottleRate != null || options.stageThrottleBurst != null) {
            throw new UsageException("throttling is an option of serve, not of invoke");
        }
        if (options.positional.size() != 1) {
            throw new UsageException("invoke needs exactly one FUNCTION (a logical id from the template), found "
                    + (options.positional.isEmpty() ? "none" : String.join(" ", options.positional)));
        }
        if (options.event == null) {
            throw new UsageException("invoke needs an event: -e EVENT.json (or -e - for stdin)");
        }
        return new Invoke(options.storage(), options.positional.get(0), options.event);
    }

    /** Options common to both commands, checked for syntax only; files are read later. */
    private static final class Options {
        boolean help;
        boolean inMemory;
        Store store = Store.DYNAMODB_LOCAL;
        Integer port;
        Integer dynamoDbPort;
        boolean protect;
        boolean noThrottle;
        Double throttleRate;
        Integer throttleBurst;
        Double stageThrottleRate;
        Integer stageThrottleBurst;
        Path dataDirectory;
        Path seed;
        URI awsEndpoint;
        Path envVars;
        Path template = Path.of("template.yaml");
        String event;
        final List<String> positional = new ArrayList<>();

        static Options parse(List<String> args, String command) {
            Options options = new Options();
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                if (!arg.startsWith("-") || arg.equals("-")) {
                    options.positional.add(arg);
                    continue;
                }
                String name = arg;
                String value = null;
                int equals = arg.indexOf('=');
                if (arg.startsWith("--") && equals > 0) {
                    name = arg.substring(0, equals);
                    value = arg.substring(equals + 1);
                }
                if (VALUE_OPTIONS.contains(name) && value == null) {
                    if (i + 1 >= args.size()) {
                        throw new UsageException(name + " needs a value");
                    }
                    value = args.get(++i);
                }
                switch (name) {
                    case "-h", "--help" -> options.help = true;
                    case "--in-memory" -> options.inMemory = true;
                    case "--port" -> options.port = port(name, value);
                    case "--dynamodb-port" -> options.dynamoDbPort = port(name, value);
                    case "--protect" -> options.protect = true;
                    case "--no-throttle" -> options.noThrottle = true;
                    case "--throttle-rate" -> options.throttleRate = rate(name, value);
                    case "--throttle-burst" -> options.throttleBurst = burst(name, value);
                    case "--stage-throttle-rate" -> options.stageThrottleRate = rate(name, value);
                    case "--stage-throttle-burst" -> options.stageThrottleBurst = burst(name, value);
                    case "--data-dir" -> options.dataDirectory = Path.of(value);
                    case "--store" -> options.store = Store.of(value);
                    case "--seed" -> options.seed = Path.of(value);
                    case "--aws-endpoint" -> options.awsEndpoint = endpoint(value);
                    case "--env-vars" -> options.envVars = Path.of(value);
                    case "--template" -> options.template = Path.of(value);
                    case "-e", "--event" -> options.event = value;
                    default -> throw new UsageException("unknown option " + name + " for " + command
                            + " (see scripts/run help " + command + ")");
                }
                if (!VALUE_OPTIONS.contains(name) && value != null) {
                    throw new UsageException(name + " takes no value");
                }
            }
            if (options.inMemory && options.dataDirectory != null) {
                throw new UsageException("--in-memory and --data-dir exclude each other");
            }
            if (options.store == Store.MEMORY && options.dataDirectory != null) {
                throw new UsageException("--store memory keeps nothing, so it excludes --data-dir");
            }
            if (options.store == Store.MEMORY && options.awsEndpoint != null) {
                throw new UsageException("--store memory and --aws-endpoint exclude each other: the one keeps the "
                        + "records in the runner, the other in the emulator");
            }
            return options;
        }

        Storage storage() {
            boolean keepNothing = inMemory || store == Store.MEMORY;
            return new Storage(template,
                    keepNothing ? Optional.empty() : Optional.of(dataDirectory == null ? DEFAULT_DATA_DIRECTORY : dataDirectory),
                    Optional.ofNullable(awsEndpoint), Optional.ofNullable(envVars), Optional.ofNullable(seed), store);
        }

        private static int port(String option, String value) {
            try {
                int port = Integer.parseInt(value);
                if (port >= 0 && port <= 65535) {
                    return port;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new UsageException(option + " must be a number from 0 to 65535, not \"" + value + "\"");
        }

        private static double rate(String option, String value) {
            try {
                double rate = Double.parseDouble(value);
                if (rate > 0 && rate <= 1_000_000) {
                    return rate;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new UsageException(option + " must be a number of requests a second above 0, not \"" + value + "\"");
        }

        private static int burst(String option, String value) {
            try {
                int burst = Integer.parseInt(value);
                if (burst >= 1) {
                    return burst;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new UsageException(option + " must be a whole number of requests, at least 1, not \"" + value + "\"");
        }

        private static URI endpoint(String value) {
            try {
                URI uri = URI.create(value);
                if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                    return uri;
                }
            } catch (IllegalArgumentException e) {
                // reported below
            }
            throw new UsageException("--aws-endpoint must be a URL such as http://127.0.0.1:4566, not \"" + value + "\"");
        }
    }
}
