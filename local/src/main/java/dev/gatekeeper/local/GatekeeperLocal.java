package dev.gatekeeper.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatekeeper.core.apikey.ApiKeyGenerator;
import dev.gatekeeper.core.organisation.OrganisationRegistry;
import dev.gatekeeper.local.CommandLine.Command;
import dev.gatekeeper.local.FunctionHost.ServiceTable;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.gatekeeper.local.api.ApiGatewayServer;
import dev.gatekeeper.local.api.AuthorizedIntegration;
import dev.gatekeeper.local.api.AuthorizerContextEcho;
import dev.gatekeeper.local.api.LocalIntegration;
import dev.gatekeeper.local.api.RequestThrottle;
import dev.gatekeeper.local.docs.ApiReferencePage;
import dev.gatekeeper.local.docs.OpenApiDocument;
import dev.gatekeeper.local.api.Routes;
import dev.gatekeeper.local.lambda.FunctionError;
import dev.gatekeeper.local.lambda.LambdaJson;
import dev.gatekeeper.local.lambda.LocalFunction;
import dev.gatekeeper.local.lambda.LocalLambdaContext;
import dev.gatekeeper.local.seed.DemoOrganisations;
import dev.gatekeeper.local.seed.Seed;
import dev.gatekeeper.local.seed.SeedFile;
import dev.gatekeeper.local.seed.SeedFileException;
import dev.gatekeeper.local.seed.SeedLoader;
import dev.gatekeeper.local.storage.DataDirectory;
import dev.gatekeeper.local.storage.PrivateFiles;
import dev.gatekeeper.local.template.ApiAuthorizer;
import dev.gatekeeper.local.template.ApiRoute;
import dev.gatekeeper.local.template.FunctionDefinition;
import dev.gatekeeper.local.template.SamTemplate;
import dev.gatekeeper.local.template.TemplateException;
import dev.gatekeeper.local.template.ThrottleLimits;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The local runner: {@code serve} puts the template's API functions behind a local API Gateway, {@code invoke}
 * runs one function once with an event, like {@code sam local}, but in this JVM with DynamoDB Local embedded.
 * stdout carries only what a caller may want to keep (an invoke's response, new demo credentials); everything
 * else, the functions' own logs included, goes to stderr.
 */
public final class GatekeeperLocal {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    /** The function of the template that --protect puts in front of the sample protected API. */
    static final String AUTHORIZER_FUNCTION = "TokenAuthorizerFunction";
    /** The sample protected API, relative to the template's directory. */
    static final String PROTECTED_API = "examples/protected-api.yaml";
    /** The ids the runner's own routes log under, in place of a function's. */
    static final String OPENAPI_ROUTE = "OpenApiDocument";
    static final String DOCS_ROUTE = "ApiReference";

    private final Clock clock;
    private final Supplier<UUID> tokenIds;
    private final PrintStream out;
    private final PrintStream err;

    /**
     * @param tokenIds the ids of issued tokens, as the service's composition root takes them (tests fix them)
     */
    public GatekeeperLocal(Clock clock, Supplier<UUID> tokenIds, PrintStream out, PrintStream err) {
        this.clock = clock;
        this.tokenIds = tokenIds;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        quietLibraryLogs();
        // The functions log to stdout, as Lambda wants; here their lines join the runner's on stderr, as with
        // sam local, and stdout keeps only what the runner prints there.
        PrintStream stdout = System.out;
        System.setOut(System.err);
        System.exit(new GatekeeperLocal(Clock.systemUTC(), UUID::randomUUID, stdout, System.err).run(args));
    }

    /** Runs a command line; {@code serve} returns only once the runner is stopped (Ctrl-C). Returns the exit status. */
    public int run(String... args) {
        try {
            Command command = CommandLine.parse(List.of(args));
            if (command instanceof CommandLine.Help help) {
                out.print(help.text());
                return OK;
            }
            if (command instanceof CommandLine.Invoke invoke) {
                return invoke(invoke);
            }
            LocalApi api = serve((CommandLine.Serve) command);
            Runtime.getRuntime().addShutdownHook(new Thread(api::close, "gatekeeper-local-stop"));
            api.awaitClose();
            return OK;
        } catch (UsageException e) {
            err.println("error: " + e.getMessage());
            err.println("(scripts/run --help shows the commands and options)");
            return USAGE;
        } catch (SeedFileException | TemplateException | FunctionUnavailableException | IllegalStateException
                 | UncheckedIOException e) {
            err.println("error: " + e.getMessage());
            return FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return FAILED;
        }
    }

    /** Starts {@code serve} and returns once it listens; the caller stops it with {@link LocalApi#close()}. */
    public LocalApi serve(String... args) {
        Command command = CommandLine.parse(List.of(args));
        if (!(command instanceof CommandLine.Serve serve)) {
            throw new UsageException("not a serve command line: " + String.join(" ", args));
        }
        return serve(serve);
    }

    private LocalApi serve(CommandLine.Serve options) {
        CommandLine.Storage storage = options.storage();
        SamTemplate template = SamTemplate.load(storage.template());
        Optional<Seed> seed = storage.seed().map(SeedFile::read);
        EnvVarsFile envVars = storage.envVars().map(EnvVarsFile::read).orElse(EnvVarsFile.none());
        FunctionHost host = new FunctionHost(template, storage.dataDirectory(), storage.awsEndpoint(), envVars, clock,
                tokenIds, err::println, options.dynamoDbPort(), storage.store());
        try {
            Map<String, LocalFunction> served = new LinkedHashMap<>();
            List<ApiRoute> routes = new ArrayList<>();
            for (FunctionDefinition function : template.functions()) {
                if (!function.hasApiEvent()) {
                    if (options.protect() && function.logicalId().equals(AUTHORIZER_FUNCTION)) {
                        continue;
                    }
                    err.println("Not served (no Api event): " + function.logicalId() + "; run it with: scripts/run invoke "
                            + function.logicalId() + " -e EVENT.json");
                    continue;
                }
                try {
                    served.put(function.logicalId(), host.start(function));
                    routes.addAll(function.routes());
                } catch (FunctionUnavailableException e) {
                    err.println("Not served: " + e.getMessage());
                }
            }
            Map<String, LocalIntegration> integrations = new LinkedHashMap<>();
            String stage = routes.isEmpty() ? SamTemplate.IMPLICIT_API_STAGE : routes.get(0).stage();
            apiReference(storage.template(), stage, routes, integrations);
            if (options.protect()) {
                protectedApi(template, storage.template(), host, routes, integrations);
            }
            load(seed, storage.seed(), host, true);
            RequestThrottle throttle = throttle(template, options.throttling());
            ApiGatewayServer server = ApiGatewayServer.start(options.port(), Routes.of(routes), served, integrations,
                    template.gatewayResponses(), FunctionHost.REGION, clock, err, throttle);
            banner(server.port(), routes, host.serviceTables());
            err.println("Throttling: " + throttle.perCaller().map(limits -> "each credential " + limits)
                    .orElse("no per-credential limit") + "; " + throttle.stage().map(limits -> "the stage " + limits)
                    .orElse("no stage limit") + (options.throttling().off() ? " (--no-throttle)" : ""));
            return new LocalApi(server, host, err::println);
        } catch (RuntimeException e) {
            host.close();
            throw e;
        }
    }

    /**
     * Each credential gets the usage plan's throttle (the template's per-API-key limit; the stage's if it has no
     * usage plan), the stage its MethodSettings throttle; the command line overrides either.
     */
    static RequestThrottle throttle(SamTemplate template, CommandLine.Throttling options) {
        if (options.off()) {
            return RequestThrottle.none();
        }
        Optional<ThrottleLimits> stage = limits(template.stageThrottle(), options.stageRate(), options.stageBurst());
        Optional<ThrottleLimits> perCaller = limits(template.usagePlanThrottle().or(template::stageThrottle),
                options.rate(), options.burst());
        return new RequestThrottle(perCaller, stage, System::nanoTime);
    }

    /** The template's limits with what the command line gives instead; a burst not given is the rate's second. */
    private static Optional<ThrottleLimits> limits(Optional<ThrottleLimits> template, Optional<Double> rate,
                                                   Optional<Integer> burst) {
        if (rate.isEmpty() && burst.isEmpty()) {
            return template;
        }
        double effectiveRate = rate.orElseGet(() -> template.map(ThrottleLimits::rate).orElse((double) burst.get()));
        int effectiveBurst = burst.orElseGet(() -> template.map(ThrottleLimits::burst)
                .orElse((int) Math.max(1, Math.ceil(effectiveRate))));
        return Optional.of(new ThrottleLimits(effectiveRate, effectiveBurst));
    }

    /** {@code GET /openapi.yaml} and {@code GET /docs}, from the openapi.yaml beside the template, if there is one. */
    private void apiReference(Path templateFile, String stage, List<ApiRoute> routes,
                              Map<String, LocalIntegration> integrations) {
        Optional<OpenApiDocument> found = OpenApiDocument.besideTemplate(templateFile);
        if (found.isEmpty()) {
            err.println("Not served: /openapi.yaml and /docs (no " + OpenApiDocument.FILE_NAME + " beside " + templateFile + ")");
            return;
        }
        OpenApiDocument document = found.get();
        // Rendered once: the runner reads its files at startup, the template included.
        String page = new ApiReferencePage(document).render();
        routes.add(new ApiRoute(OPENAPI_ROUTE, "/openapi.yaml", "GET", stage));
        integrations.put(OPENAPI_ROUTE, request -> document(OpenApiDocument.MEDIA_TYPE, document.text()));
        routes.add(new ApiRoute(DOCS_ROUTE, "/docs", "GET", stage));
        integrations.put(DOCS_ROUTE, request -> document("text/html; charset=utf-8", page));
    }

    private static APIGatewayProxyResponseEvent document(String contentType, String body) {
        return new APIGatewayProxyResponseEvent().withStatusCode(200)
                .withHeaders(Map.of("Content-Type", contentType, "Cache-Control", "no-cache"))
                .withBody(body);
    }

    /**
     * The routes of examples/protected-api.yaml (beside the template) behind its default authorizer, played by
     * this template's {@value #AUTHORIZER_FUNCTION}: the routes, the authorizer's settings and the gateway
     * responses come from that file; its integrations, inline Python, are stood in for by
     * {@link AuthorizerContextEcho}, which answers what they answer.
     */
    private void protectedApi(SamTemplate template, Path templateFile, FunctionHost host, List<ApiRoute> routes,
                              Map<String, LocalIntegration> integrations) {
        Path file = templateFile.toAbsolutePath().normalize().resolveSibling(PROTECTED_API);
        SamTemplate protectedApi = SamTemplate.load(file);
        FunctionDefinition authorizerFunction = template.function(AUTHORIZER_FUNCTION).orElseThrow(() ->
                new TemplateException("--protect needs the function " + AUTHORIZER_FUNCTION + " in " + templateFile));
        LocalFunction authorizer = host.start(authorizerFunction);
        for (FunctionDefinition function : protectedApi.functions()) {
            for (ApiRoute route : function.routes()) {
                ApiAuthorizer settings = protectedApi.defaultAuthorizer(route.stage()).orElseThrow(() ->
                        new TemplateException(file + ": the API of " + route.method() + " " + route.path()
                                + " has no Auth.DefaultAuthorizer"));
                if (settings.reauthorizeEvery() != 0) {
                    err.println("Note: " + settings.name() + " caches decisions for " + settings.reauthorizeEvery()
                            + " s when deployed; the runner decides every request afresh");
                }
                integrations.put(function.logicalId(), new AuthorizedIntegration(settings, authorizer,
                        new AuthorizerContextEcho(), protectedApi.gatewayResponses(), FunctionHost.REGION, err));
                routes.add(route);
                err.println("Protected: " + route.method() + " " + route.path() + " behind " + AUTHORIZER_FUNCTION
                        + " (" + settings.payloadType() + " authorizer " + settings.name() + " of " + PROTECTED_API + ")");
            }
        }
    }

    private int invoke(CommandLine.Invoke options) {
        CommandLine.Storage storage = options.storage();
        SamTemplate template = SamTemplate.load(storage.template());
        FunctionDefinition function = template.function(options.functionId()).orElseThrow(() -> new UsageException(
                "no function " + options.functionId() + " in " + storage.template() + "; its functions are "
                        + String.join(", ", template.functions().stream().map(FunctionDefinition::logicalId).toList())));
        String event = readEvent(options.event());
        Optional<Seed> seed = storage.seed().map(SeedFile::read);
        EnvVarsFile envVars = storage.envVars().map(EnvVarsFile::read).orElse(EnvVarsFile.none());
        try (FunctionHost host = new FunctionHost(template, storage.dataDirectory(), storage.awsEndpoint(), envVars,
                clock, tokenIds, err::println, 0, storage.store())) {
            LocalFunction local = host.start(function);
            load(seed, storage.seed(), host, false);
            LocalLambdaContext context = new LocalLambdaContext(function, UUID.randomUUID().toString(), FunctionHost.REGION,
                    clock.millis(), err);
            try {
                out.println(local.invokeJson(event, context));
                return OK;
            } catch (FunctionError e) {
                out.println(LambdaJson.write(e.payload()));
                err.println(e.getMessage());
                return FAILED;
            }
        }
    }

    /**
     * Loads the seed into every table the started functions use; without one, gives an empty store the demo
     * organisations (serve only: an invoke prints nothing but the response).
     */
    private void load(Optional<Seed> seed, Optional<Path> seedFile, FunctionHost host, boolean demoWhenEmpty) {
        for (ServiceTable table : host.serviceTables()) {
            OrganisationRegistry organisations = table.organisations();
            SeedLoader loader = new SeedLoader(organisations, table.apiKeys(), clock);
            String where = "table " + table.tableName() + " in " + table.location();
            if (seed.isPresent()) {
                SeedLoader.Result result = loader.load(seed.get(), seedFile.orElseThrow().toString(), "seed");
                result.created().forEach(entry -> err.println("Seeded " + entry.organisation().id() + " ("
                        + entry.organisation().accessType() + ", " + entry.apiKeys().size() + " API key"
                        + (entry.apiKeys().size() == 1 ? "" : "s") + ") into " + where));
                result.existing().forEach(id -> err.println("Seed: " + id + " already exists in " + where
                        + "; left as it is"));
            } else if (organisations.list().isEmpty()) {
                if (demoWhenEmpty) {
                    Seed demo = DemoOrganisations.withNewKeys(new ApiKeyGenerator());
                    loader.load(demo, "demo organisations", "demo");
                    demoCredentials(demo, host.dataDirectory());
                } else {
                    err.println("Note: " + where + " holds no organisations; the events of events/ that authenticate "
                            + "need --seed events/seed.json");
                }
            }
        }
    }

    private void demoCredentials(Seed demo, Optional<DataDirectory> directory) {
        Optional<Path> file = directory.map(dir -> dir.resolve("demo-credentials.json"));
        file.ifPresent(path -> PrivateFiles.write(path, SeedFile.format(demo)));
        out.println("Demo organisations with new API keys (shown this once"
                + file.map(path -> "; also in " + path + ", in the --seed format").orElse("; kept in memory only") + "):");
        for (Seed.Entry entry : demo.organisations()) {
            out.printf("  %-10s  %-2s  %-20s  %s%n", entry.organisation().id(), entry.organisation().accessType(),
                    entry.organisation().name(), String.join(" ", entry.apiKeys()));
        }
        out.flush();
    }

    private void banner(int port, List<ApiRoute> routes, List<ServiceTable> tables) {
        List<String> stages = routes.stream().map(ApiRoute::stage).distinct().toList();
        err.println("Gatekeeper API on http://127.0.0.1:" + port
                + (stages.isEmpty() ? "" : " (also under /" + String.join(", /", stages) + ", as deployed)")
                + "; Ctrl-C stops it");
        for (ApiRoute route : routes) {
            err.printf("  %-6s %-64s %s%n", route.method(), route.path(), route.functionId());
        }
        for (ServiceTable table : tables) {
            err.println("Data: table " + table.tableName() + " in " + table.location());
            table.endpoint().ifPresent(endpoint -> err.println("Admin CLI: scripts/admin --endpoint " + endpoint
                    + " --table " + table.tableName() + " ..."));
        }
    }

    private String readEvent(String event) {
        String json;
        try {
            json = event.equals("-")
                    ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(Path.of(event), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UsageException("-e " + event + ": no such file");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the event " + event, e);
        }
        try {
            new ObjectMapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new UsageException("-e " + event + " is not valid JSON: " + e.getOriginalMessage());
        }
        return json;
    }

    /**
     * The Jetty inside DynamoDB Local logs its every start and stop at INFO, through the functions' SLF4J binding
     * (their JSON logger, whose per-logger level is this system property).
     */
    private static void quietLibraryLogs() {
        if (System.getProperty("gatekeeper.log.level.org.eclipse.jetty") == null) {
            System.setProperty("gatekeeper.log.level.org.eclipse.jetty", "WARN");
        }
    }
}
