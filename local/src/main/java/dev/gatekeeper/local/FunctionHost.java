package dev.gatekeeper.local;

import dev.gatekeeper.adapter.secretsmanager.SecretsManagerPublicKeySource;
import dev.gatekeeper.adapter.secretsmanager.SecretsManagerSigningKeySource;
import dev.gatekeeper.config.Gatekeeper;
import dev.gatekeeper.config.GatekeeperConfig;
import dev.gatekeeper.core.keys.KeyRetention;
import dev.gatekeeper.core.keys.PublicKeySource;
import dev.gatekeeper.core.keys.SigningAlgorithm;
import dev.gatekeeper.core.keys.SigningKeySet;
import dev.gatekeeper.core.keys.SigningKeySetJson;
import dev.gatekeeper.core.keys.SigningKeySource;
import dev.gatekeeper.core.keys.VerificationKeySetJson;
import dev.gatekeeper.adapter.dynamodb.DynamoDbApiKeyRegistry;
import dev.gatekeeper.adapter.dynamodb.DynamoDbOrganisationRegistry;
import dev.gatekeeper.core.apikey.ApiKeyRegistry;
import dev.gatekeeper.core.organisation.OrganisationRegistry;
import dev.gatekeeper.local.CommandLine.Store;
import dev.gatekeeper.local.lambda.LocalFunction;
import dev.gatekeeper.local.storage.AwsEmulator;
import dev.gatekeeper.local.storage.DataDirectory;
import dev.gatekeeper.local.storage.EmbeddedDynamoDb;
import dev.gatekeeper.local.storage.FilePublicKeySource;
import dev.gatekeeper.local.storage.FileSigningKeySource;
import dev.gatekeeper.local.storage.PublishedPublicKeyFile;
import dev.gatekeeper.local.storage.SigningKeySecrets;
import dev.gatekeeper.local.storage.TemplateTables;
import dev.gatekeeper.local.storage.memory.MemoryTable;
import dev.gatekeeper.local.template.FunctionDefinition;
import dev.gatekeeper.local.template.SamTemplate;
import dev.gatekeeper.local.template.TableDefinition;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Starts the template's functions as Lambda would (the template's environment, the handler's own constructor), but
 * on this machine's storage: each function's environment decides where its AWS is. Without {@code AWS_ENDPOINT_URL}
 * that is the embedded DynamoDB Local and the key files; with it (from {@code --aws-endpoint} or
 * {@code --env-vars}), the emulator at that URL. Tables and the key secrets are created there on first use, from the
 * template's definitions.
 *
 * <p>Each function reads the key set its environment names, as deployed: a function given
 * {@code SIGNING_KEY_SECRET_ARN} gets the private signing keys, one given {@code PUBLIC_KEY_SECRET_ARN} only their
 * public halves (a verify-only service that cannot sign). The public set is published from the private one when the
 * runner first needs it, as the first rotation after a deploy publishes it: to {@code public-keys.json} beside
 * {@code signing-keys.json}, to a copy in memory, or to the public key secret in the emulator.
 *
 * <p>A handler is built with the service, through its {@code (Gatekeeper)} constructor, one service per distinct
 * environment; a handler that builds its own AWS clients is given its environment through its
 * {@code (Map<String, String>)} constructor. A handler with only a no-argument constructor would read this
 * process's environment, which Java cannot set, so it cannot run here.
 */
final class FunctionHost implements AutoCloseable {
    static final String REGION = "us-east-1";
    private static final String AWS_ENDPOINT_URL = GatekeeperConfig.AWS_ENDPOINT_URL;
    /** What sam local's containers call the host; the runner is the host. */
    private static final String DOCKER_HOST = "host.docker.internal";
    /** The rotation function's rule (its template default), for the key file's algorithm switch. */
    private static final KeyRetention KEY_RETENTION = KeyRetention.forGatekeeperTokens(KeyRetention.DEFAULT_MAX_KEYS);

    /**
     * Where the service of some functions keeps organisations, keys and tokens: what a seed is loaded into.
     *
     * @param endpoint the DynamoDB endpoint the admin CLI can reach it at; empty for the runner's memory
     */
    record ServiceTable(String location, String tableName, OrganisationRegistry organisations,
                        ApiKeyRegistry apiKeys, Optional<URI> endpoint) {
        static ServiceTable dynamoDb(String location, DynamoDbClient client, String tableName, URI endpoint) {
            return new ServiceTable(location, tableName, new DynamoDbOrganisationRegistry(client, tableName),
                    new DynamoDbApiKeyRegistry(client, tableName), Optional.of(endpoint));
        }
    }

    private final SamTemplate template;
    private final Optional<Path> dataDirectoryPath;
    private final Optional<URI> awsEndpoint;
    private final EnvVarsFile envVars;
    private final Clock clock;
    private final Supplier<UUID> tokenIds;
    private final Consumer<String> log;
    private final int dynamoDbPort;
    private final Store store;
    /** The {@code --store memory} tables, by name, shared by every function that names one, as a table is. */
    private final Map<String, MemoryTable> memoryTables = new HashMap<>();

    private DataDirectory dataDirectory;
    private EmbeddedDynamoDb embedded;
    private SigningKeySource embeddedKeys;
    private PublicKeySource embeddedPublicKeys;
    private final Map<URI, AwsEmulator> emulators = new HashMap<>();
    /**
     * One service per function, as Lambda gives each function its own containers: what one function remembers
     * (organisation profiles, a revocation generation) is not seen by another, here as deployed.
     */
    private final Map<String, Gatekeeper> services = new HashMap<>();
    private final Set<String> preparedResources = new HashSet<>();
    private final Map<String, ServiceTable> serviceTables = new LinkedHashMap<>();

    /**
     * @param dataDirectory where the embedded store and keys live, opened (and locked) when first needed; empty to
     *                      keep everything in memory
     * @param awsEndpoint   an emulator for every function, overriding any {@code AWS_ENDPOINT_URL}
     */
    FunctionHost(SamTemplate template, Optional<Path> dataDirectory, Optional<URI> awsEndpoint,
                 EnvVarsFile envVars, Clock clock, Supplier<UUID> tokenIds, Consumer<String> log) {
        this(template, dataDirectory, awsEndpoint, envVars, clock, tokenIds, log, 0, Store.DYNAMODB_LOCAL);
    }

    /**
     * @param dynamoDbPort the embedded DynamoDB Local's port on 127.0.0.1; 0 for any free port
     * @param store        what the functions without an AWS endpoint keep their records in
     */
    FunctionHost(SamTemplate template, Optional<Path> dataDirectory, Optional<URI> awsEndpoint,
                 EnvVarsFile envVars, Clock clock, Supplier<UUID> tokenIds, Consumer<String> log, int dynamoDbPort,
                 Store store) {
        if (store == Store.MEMORY && dataDirectory.isPresent()) {
            throw new IllegalArgumentException("the memory store keeps nothing in a data directory");
        }
        this.dynamoDbPort = dynamoDbPort;
        this.store = store;
        this.template = template;
        this.dataDirectoryPath = dataDirectory;
        this.awsEndpoint = awsEndpoint;
        this.envVars = envVars;
        this.clock = clock;
        this.tokenIds = tokenIds;
        this.log = log;
    }

    /**
     * Builds the function's handler as its container would at a cold start.
     *
     * @throws FunctionUnavailableException if it cannot run here, with the reason
     */
    LocalFunction start(FunctionDefinition function) {
        Map<String, String> environment = environment(function);
        Class<?> handlerClass = handlerClass(function);
        Optional<Constructor<?>> withService = constructor(handlerClass, Gatekeeper.class)
                .filter(constructor -> Modifier.isPublic(constructor.getModifiers()));
        if (withService.isPresent()) {
            return LocalFunction.of(function, construct(function, withService.get(), service(function, environment)));
        }
        Optional<Constructor<?>> withEnvironment = constructor(handlerClass, Map.class);
        if (withEnvironment.isPresent()) {
            URI endpoint = endpoint(environment).orElseThrow(() -> new FunctionUnavailableException(function.logicalId()
                    + " builds its own AWS clients from its environment, and only an AWS emulator can answer them "
                    + "here: pass --aws-endpoint URL (moto server, LocalStack), or set AWS_ENDPOINT_URL with --env-vars"));
            prepareResources(function, environment, emulator(endpoint).dynamoDb(), endpoint.toString());
            useEmulatorCredentials();
            return LocalFunction.of(function, construct(function, withEnvironment.get(), Map.copyOf(environment)));
        }
        throw new FunctionUnavailableException(function.logicalId() + ": " + handlerClass.getName()
                + " has neither a (Gatekeeper) nor a (Map<String, String> environment) constructor; its no-argument "
                + "constructor would read this process's environment instead of the template's");
    }

    /** The tables the started functions' services use, each once. */
    List<ServiceTable> serviceTables() {
        return new ArrayList<>(serviceTables.values());
    }

    /**
     * The data directory, opened and locked on first use, so that a runner that keeps nothing there (all its
     * functions in an emulator) does not hold it. Empty in memory.
     */
    Optional<DataDirectory> dataDirectory() {
        if (dataDirectory == null && dataDirectoryPath.isPresent()) {
            dataDirectory = DataDirectory.open(dataDirectoryPath.get());
        }
        return Optional.ofNullable(dataDirectory);
    }

    /** The data directory if something was kept in it. */
    Optional<Path> usedDataDirectory() {
        return Optional.ofNullable(dataDirectory).map(DataDirectory::path);
    }

    /** Closes the clients, then DynamoDB Local (which closes its file), then releases the data directory. */
    @Override
    public void close() {
        emulators.values().forEach(AwsEmulator::close);
        if (embedded != null) {
            embedded.close();
        }
        if (dataDirectory != null) {
            dataDirectory.close();
        }
    }

    /**
     * The template's variables, then the {@code --env-vars} values, then {@code --aws-endpoint}, then what Lambda
     * itself sets ({@code AWS_REGION}).
     */
    Map<String, String> environment(FunctionDefinition function) {
        Map<String, String> environment = new LinkedHashMap<>(function.environment().variables());
        environment.putAll(envVars.overridesFor(function, log));
        awsEndpoint.ifPresent(endpoint -> environment.put(AWS_ENDPOINT_URL, endpoint.toString()));
        String endpoint = environment.get(AWS_ENDPOINT_URL);
        if (endpoint != null && endpoint.isBlank()) {
            environment.remove(AWS_ENDPOINT_URL);
        } else if (endpoint != null && DOCKER_HOST.equals(url(function, endpoint).getHost())) {
            environment.put(AWS_ENDPOINT_URL, endpoint.replace(DOCKER_HOST, "127.0.0.1"));
        }
        environment.put("AWS_REGION", REGION);
        return environment;
    }

    private static URI url(FunctionDefinition function, String endpoint) {
        try {
            URI uri = URI.create(endpoint);
            if (uri.getHost() != null) {
                return uri;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new UsageException(function.logicalId() + ": AWS_ENDPOINT_URL \"" + endpoint
                + "\" is not a URL such as http://127.0.0.1:4566");
    }

    private Gatekeeper service(FunctionDefinition function, Map<String, String> environment) {
        Gatekeeper existing = services.get(function.logicalId());
        if (existing != null) {
            return existing;
        }
        GatekeeperConfig config;
        try {
            config = GatekeeperConfig.fromEnvironment(environment);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(function.logicalId() + " cannot start: " + e.getMessage(), e);
        }
        Gatekeeper service;
        Optional<URI> endpoint = config.awsEndpoint();
        if (endpoint.isPresent()) {
            AwsEmulator emulator = emulator(endpoint.get());
            String location = endpoint.get().toString();
            prepareResources(function, environment, emulator.dynamoDb(), location);
            service = config.signingKeySecretId()
                    .map(secret -> Gatekeeper.create(config, emulator.dynamoDb(),
                            new SecretsManagerSigningKeySource(emulator.secretsManager(), secret), clock, tokenIds))
                    .orElseGet(() -> Gatekeeper.verifyOnly(config, emulator.dynamoDb(), new SecretsManagerPublicKeySource(
                            emulator.secretsManager(), config.publicKeySecretId().orElseThrow()), clock));
            serviceTables.putIfAbsent(location + "|" + config.tableName(),
                    ServiceTable.dynamoDb(location, emulator.dynamoDb(), config.tableName(), endpoint.get()));
        } else if (store == Store.MEMORY) {
            String location = "the runner's memory (kept until it stops)";
            MemoryTable table = memoryTables.computeIfAbsent(config.tableName(), name -> {
                log.accept("Created table " + name + " in " + location);
                return new MemoryTable();
            });
            service = config.signingKeySecretId().isPresent()
                    ? Gatekeeper.create(config, table.stores(), embeddedKeys(config.signingAlgorithm()), clock, tokenIds)
                    : Gatekeeper.verifyOnly(config, table.stores(), embeddedPublicKeys(config.signingAlgorithm()), clock);
            serviceTables.putIfAbsent(location + "|" + config.tableName(), new ServiceTable(location,
                    config.tableName(), table.organisations(), table.apiKeys(), Optional.empty()));
        } else {
            EmbeddedDynamoDb database = embedded();
            // The endpoint is part of the location so that the banner tells other tools (the admin CLI) where it is.
            String location = "DynamoDB Local at " + database.endpoint()
                    + dataDirectoryPath.map(directory -> " (data in " + directory + ")").orElse(" (in memory)");
            DynamoDbClient dynamoDb = database.client();
            prepareResources(function, environment, dynamoDb, location);
            service = config.signingKeySecretId().isPresent()
                    ? Gatekeeper.create(config, dynamoDb, embeddedKeys(config.signingAlgorithm()), clock, tokenIds)
                    : Gatekeeper.verifyOnly(config, dynamoDb, embeddedPublicKeys(config.signingAlgorithm()), clock);
            serviceTables.putIfAbsent(location + "|" + config.tableName(),
                    ServiceTable.dynamoDb(location, dynamoDb, config.tableName(), database.endpoint()));
        }
        services.put(function.logicalId(), service);
        return service;
    }

    /**
     * Creates what the function's variables name, where the function will look: each table a variable
     * {@code !Ref}s, under the name the variable ends up with, and (in an emulator) the signing key secret and the
     * public key secret, consistent with each other.
     */
    private void prepareResources(FunctionDefinition function, Map<String, String> environment, DynamoDbClient dynamoDb,
                                  String location) {
        for (String variable : function.environment().declaredNames()) {
            String name = environment.get(variable);
            Optional<TableDefinition> table = function.environment().referencedResource(variable).flatMap(template::table);
            if (name == null || table.isEmpty() || !preparedResources.add(location + "|table|" + name)) {
                continue;
            }
            try {
                TemplateTables.ensure(dynamoDb, table.get(), name, message -> log.accept(message + " in " + location));
            } catch (SdkException e) {
                preparedResources.remove(location + "|table|" + name);
                throw new IllegalStateException("Cannot create table " + name + " for " + function.logicalId() + " in "
                        + location + ": " + e.getMessage() + (location.startsWith("http") ? " (is the emulator running?)" : ""), e);
            }
        }
        Optional<URI> endpoint = endpoint(environment);
        if (endpoint.isEmpty()) {
            return;
        }
        String publicSecretId = environment.get(GatekeeperConfig.PUBLIC_KEY_SECRET_ARN);
        String secretId = publicSecretId == null ? environment.get(GatekeeperConfig.SIGNING_KEY_SECRET_ARN)
                : signingSecretPublishedTo(function, publicSecretId, endpoint.get());
        if (secretId != null && preparedResources.add(location + "|secret|" + secretId)) {
            try {
                SigningKeySecrets.ensure(emulator(endpoint.get()).secretsManager(), secretId,
                        signingAlgorithm(function, environment), clock, message -> log.accept(message + " in " + location));
            } catch (SdkException e) {
                preparedResources.remove(location + "|secret|" + secretId);
                throw new IllegalStateException("Cannot prepare the signing key secret " + secretId + " in " + location
                        + ": " + e.getMessage() + " (is the emulator running?)", e);
            }
        }
        if (publicSecretId != null && preparedResources.add(location + "|secret|" + publicSecretId)) {
            try {
                SigningKeySecrets.ensurePublished(emulator(endpoint.get()).secretsManager(), secretId, publicSecretId,
                        message -> log.accept(message + " in " + location));
            } catch (SdkException e) {
                preparedResources.remove(location + "|secret|" + publicSecretId);
                throw new IllegalStateException("Cannot prepare the public key secret " + publicSecretId + " in "
                        + location + ": " + e.getMessage() + " (is the emulator running?)", e);
            }
        }
    }

    /**
     * The signing key secret whose public halves a function's public key secret holds: the one secret the template's
     * signing functions name at the same emulator (after {@code --env-vars}), which its rotation function publishes.
     */
    private String signingSecretPublishedTo(FunctionDefinition function, String publicSecretId, URI endpoint) {
        Set<String> signingSecrets = new TreeSet<>();
        for (FunctionDefinition other : template.functions()) {
            Map<String, String> environment = environment(other);
            String secret = environment.get(GatekeeperConfig.SIGNING_KEY_SECRET_ARN);
            if (secret != null && !secret.isBlank() && endpoint(environment).filter(endpoint::equals).isPresent()) {
                signingSecrets.add(secret);
            }
        }
        if (signingSecrets.size() != 1) {
            throw new FunctionUnavailableException(function.logicalId() + " reads the public key secret "
                    + publicSecretId + ", published from the signing key secret; the template's functions at "
                    + endpoint + " name " + (signingSecrets.isEmpty() ? "none" : String.join(", ", signingSecrets))
                    + " as SIGNING_KEY_SECRET_ARN, so the runner cannot tell which keys to publish");
        }
        return signingSecrets.iterator().next();
    }

    /**
     * A handler that builds its own clients takes credentials from the SDK's default chain, whose first link is
     * these system properties. Emulators accept any; fixed dummy ones keep the machine's real credentials out.
     */
    private static void useEmulatorCredentials() {
        if (System.getProperty("aws.accessKeyId") == null) {
            System.setProperty("aws.accessKeyId", AwsEmulator.ACCESS_KEY);
            System.setProperty("aws.secretAccessKey", AwsEmulator.ACCESS_KEY);
        }
    }

    private static Optional<URI> endpoint(Map<String, String> environment) {
        return Optional.ofNullable(environment.get(AWS_ENDPOINT_URL)).filter(value -> !value.isBlank()).map(URI::create);
    }

    private AwsEmulator emulator(URI endpoint) {
        return emulators.computeIfAbsent(endpoint, uri -> AwsEmulator.at(uri, REGION));
    }

    private EmbeddedDynamoDb embedded() {
        if (embedded == null) {
            embedded = EmbeddedDynamoDb.start(dataDirectory().map(DataDirectory::path), dynamoDbPort);
        }
        return embedded;
    }

    /** The {@code SIGNING_ALGORITHM} of the function's environment (the template's parameter, or --env-vars). */
    private static SigningAlgorithm signingAlgorithm(FunctionDefinition function, Map<String, String> environment) {
        try {
            return SigningAlgorithm.configured(GatekeeperConfig.SIGNING_ALGORITHM,
                    environment.get(GatekeeperConfig.SIGNING_ALGORITHM));
        } catch (IllegalStateException e) {
            throw new IllegalStateException(function.logicalId() + " cannot start: " + e.getMessage(), e);
        }
    }

    /**
     * The signing keys of the embedded mode: a file in the data directory, or one key set kept in memory. A new key
     * is of {@code algorithm} (the first function started decides: the template gives all the same one). A key file
     * kept from an earlier run whose key is of another algorithm is rotated as a deployed stack is after a switch:
     * a new key of {@code algorithm} signs, and the previous keys verify their tokens until those expire.
     */
    private SigningKeySource embeddedKeys(SigningAlgorithm algorithm) {
        if (embeddedKeys == null) {
            Optional<DataDirectory> directory = dataDirectory();
            if (directory.isPresent()) {
                FileSigningKeySource file = new FileSigningKeySource(directory.get().resolve("signing-keys.json"));
                switch (file.prepare(algorithm, clock, KEY_RETENTION)) {
                    case CREATED -> log.accept("Generated an " + algorithm + " signing key in " + file.file());
                    case ROTATED -> log.accept("Rotated the signing keys in " + file.file() + " to a new " + algorithm
                            + " key (SIGNING_ALGORITHM); the previous " + file.load().previous().get(0).algorithm()
                            + " key still verifies the tokens it signed until they expire");
                    case UNCHANGED -> {
                        // Already of the algorithm, or unreadable: the functions report that (503), as in AWS.
                    }
                }
                embeddedKeys = file;
            } else {
                SigningKeySet keys = new SigningKeySet(SigningKeySetJson.generateKey(algorithm, clock.instant()), List.of());
                embeddedKeys = () -> keys;
            }
        }
        return embeddedKeys;
    }

    /**
     * The public key set of the embedded mode, published from {@link #embeddedKeys}: {@code public-keys.json} in the
     * data directory, published at start and again whenever a verify-only function loads its keys while the signing
     * key file has changed ({@link PublishedPublicKeyFile}), or a copy in memory (whose signing keys never change).
     * Read through the public key set's own parser, which refuses private keys, as the deployed functions read their
     * secret.
     */
    private PublicKeySource embeddedPublicKeys(SigningAlgorithm algorithm) {
        if (embeddedPublicKeys == null) {
            SigningKeySource keys = embeddedKeys(algorithm);
            Optional<DataDirectory> directory = dataDirectory();
            if (directory.isPresent()) {
                PublishedPublicKeyFile file = new PublishedPublicKeyFile(keys,
                        new FilePublicKeySource(directory.get().resolve("public-keys.json")), log);
                file.publish();
                embeddedPublicKeys = file;
            } else {
                String published = VerificationKeySetJson.format(keys.load().verificationKeys());
                embeddedPublicKeys = () -> VerificationKeySetJson.parse(published);
            }
        }
        return embeddedPublicKeys;
    }

    private static Class<?> handlerClass(FunctionDefinition function) {
        try {
            return Class.forName(function.handlerClass(), true, FunctionHost.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(function.logicalId() + ": its handler " + function.handlerClass()
                    + " is not in the functions build this runner was built with (scripts/run rebuilds both)", e);
        }
    }

    private static Optional<Constructor<?>> constructor(Class<?> type, Class<?> parameter) {
        try {
            return Optional.of(type.getDeclaredConstructor(parameter));
        } catch (NoSuchMethodException e) {
            return Optional.empty();
        }
    }

    /**
     * Calls the constructor as Lambda's init phase would. The environment constructor of a handler is usually
     * package-private (public is only what Lambda needs), so it is opened here: the runner plays the Lambda runtime.
     */
    private static Object construct(FunctionDefinition function, Constructor<?> constructor, Object argument) {
        try {
            if (!Modifier.isPublic(constructor.getModifiers())) {
                constructor.setAccessible(true);
            }
            return constructor.newInstance(argument);
        } catch (InvocationTargetException e) {
            Throwable cause = Objects.requireNonNullElse(e.getCause(), e);
            throw new IllegalStateException(function.logicalId() + " failed to start: " + cause.getMessage(), cause);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException(function.logicalId() + ": cannot construct " + function.handlerClass(), e);
        }
    }
}
