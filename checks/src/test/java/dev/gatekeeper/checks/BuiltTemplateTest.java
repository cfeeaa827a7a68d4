package dev.gatekeeper.checks;

import static dev.gatekeeper.checks.CloudFormationYaml.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.net.URLClassLoader;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Reads the template {@code sam build} wrote and proves, function by function, what the deployed stack needs: a
 * handler Lambda can load from that function's own artifact and call, a way in, IAM rights and a bounded log.
 */
class BuiltTemplateTest {
    private static final String RUNTIME = "com.amazonaws.services.lambda.runtime.";
    private static final String REQUEST_HANDLER = RUNTIME + "RequestHandler";
    private static final String STREAM_HANDLER = RUNTIME + "RequestStreamHandler";

    /** How a function is invoked, and so the event its handler must take. */
    private enum Role {
        API_OPERATION("an Api event", RUNTIME + "events.APIGatewayProxyRequestEvent"),
        KEY_ROTATION("the rotation Lambda of a SecretsManager RotationSchedule",
                RUNTIME + "events.SecretsManagerRotationEvent"),
        AUTHORIZER("an API Gateway REQUEST authorizer", RUNTIME + "events.APIGatewayCustomAuthorizerEvent");

        private final String invokedBy;
        private final String event;

        Role(String invokedBy, String event) {
            this.invokedBy = invokedBy;
            this.event = event;
        }
    }

    static List<LambdaFunction> functions() {
        return SamBuild.functions();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void handlerIsAClassOfTheFunctionsArtifactThatLambdaCanConstructAndCall(LambdaFunction function)
            throws IOException {
        try (URLClassLoader artifact = new LambdaArtifact(SamBuild.artifactOf(function)).classLoader()) {
            Class<?> handler = handlerClass(function, artifact);

            assertThat(Modifier.isPublic(handler.getModifiers()) && !Modifier.isAbstract(handler.getModifiers()))
                    .as("%s: its handler %s is a public concrete class", function, handler.getName())
                    .isTrue();
            assertThat(hasPublicNoArgumentConstructor(handler))
                    .as("%s: its handler %s has the public no-argument constructor Lambda calls", function,
                            handler.getName())
                    .isTrue();
            assertThat(handler.getMethods())
                    .extracting(Method::getName)
                    .as("%s: public methods of %s", function, handler.getName())
                    .contains(function.handlerMethod());
            assertThat(handlerInterfaces(handler, artifact))
                    .as("%s: the Lambda handler interfaces %s implements", function, handler.getName())
                    .containsAnyOf(REQUEST_HANDLER, STREAM_HANDLER);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void functionIsReachedThroughAnApiRouteUnlessItRotatesTheKeysOrAuthorizesRequests(LambdaFunction function)
            throws IOException {
        try (URLClassLoader artifact = new LambdaArtifact(SamBuild.artifactOf(function)).classLoader()) {
            Optional<Role> role = roleOf(function, eventOf(handlerClass(function, artifact), artifact));

            assertThat(role)
                    .as("%s has no Api event, yet it is neither the rotation Lambda of a RotationSchedule nor an "
                            + "authorizer (a handler taking %s): nothing would invoke it", function,
                            Role.AUTHORIZER.event)
                    .isPresent();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void handlerTakesTheEventOfWhatInvokesTheFunction(LambdaFunction function) throws IOException {
        try (URLClassLoader artifact = new LambdaArtifact(SamBuild.artifactOf(function)).classLoader()) {
            Class<?> handler = handlerClass(function, artifact);
            Optional<String> event = eventOf(handler, artifact);
            Optional<Role> role = roleOf(function, event);

            if (role.isPresent() && !handlerInterfaces(handler, artifact).contains(STREAM_HANDLER)) {
                assertThat(event)
                        .as("%s is invoked by %s, so its handler %s is a RequestHandler of %s", function,
                                role.get().invokedBy, handler.getName(), role.get().event)
                        .contains(role.get().event);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void functionHasAPolicyOrARole(LambdaFunction function) {
        assertThat(function.hasPolicy())
                .as("%s has Policies or a Role (without, it could not even write its logs)", function)
                .isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void functionLogsToALogGroupOfTheStackWithRetention(LambdaFunction function) {
        Map<String, Map<String, Object>> logGroups = SamBuild.template().resourcesOfType("AWS::Logs::LogGroup");
        Object logGroupName = function.configuredLogGroup()
                .orElse(Map.of("Fn::Sub", "/aws/lambda/${" + function.name() + "}"));

        Optional<Map<String, Object>> logGroup = logGroups.entrySet().stream()
                .filter(group -> refersTo(logGroupName, group.getKey())
                        || sameName(logGroupName, group.getValue().get("LogGroupName")))
                .map(Map.Entry::getValue)
                .findFirst();

        assertThat(logGroup)
                .as("%s logs to %s: an AWS::Logs::LogGroup of the template has that LogGroupName", function,
                        logGroupName)
                .isPresent();
        assertThat(logGroup.get().get("RetentionInDays"))
                .as("%s: the RetentionInDays of its log group %s (without, its logs are kept forever)", function,
                        logGroupName)
                .isNotNull();
    }

    private static Optional<Role> roleOf(LambdaFunction function, Optional<String> event) {
        if (!function.apiRoutes().isEmpty()) {
            return Optional.of(Role.API_OPERATION);
        }
        if (rotationLambdas().contains(function.name())) {
            return Optional.of(Role.KEY_ROTATION);
        }
        if (event.equals(Optional.of(Role.AUTHORIZER.event))) {
            return Optional.of(Role.AUTHORIZER);
        }
        return Optional.empty();
    }

    /** The functions the template's RotationSchedules name as their rotation Lambda. */
    private static Set<String> rotationLambdas() {
        return SamBuild.template().resourcesOfType("AWS::SecretsManager::RotationSchedule").values().stream()
                .map(schedule -> schedule.get("RotationLambdaARN"))
                .filter(Objects::nonNull)
                .map(CloudFormationYaml::referencedResource)
                .flatMap(Optional::stream)
                .collect(Collectors.toSet());
    }


    private static boolean refersTo(Object value, String resource) {
        return value instanceof Map<?, ?> && resource.equals(map(value).get("Ref"));
    }

    /** Whether two LogGroupNames are the same text, or the same {@code Fn::Sub} of one (with or without variables). */
    private static boolean sameName(Object wanted, Object actual) {
        return actual != null && Objects.equals(subText(wanted), subText(actual));
    }

    private static Object subText(Object name) {
        if (name instanceof Map<?, ?> && map(name).containsKey("Fn::Sub")) {
            Object sub = map(name).get("Fn::Sub");
            return sub instanceof List<?> withVariables && withVariables.size() == 2 ? withVariables : sub;
        }
        return name;
    }

    private static Class<?> handlerClass(LambdaFunction function, ClassLoader artifact) {
        try {
            // Not initialised: loading must not run the handler's static set-up, which expects Lambda's environment.
            return Class.forName(function.handlerClass(), false, artifact);
        } catch (ClassNotFoundException e) {
            throw new AssertionError(function + ": its handler class " + function.handlerClass()
                    + " is in neither the classes nor the lib/*.jar of " + SamBuild.artifactOf(function), e);
        }
    }

    private static boolean hasPublicNoArgumentConstructor(Class<?> type) {
        try {
            type.getConstructor();
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /** Which of Lambda's two handler interfaces, as the artifact itself defines them, the handler implements. */
    private static List<String> handlerInterfaces(Class<?> handler, ClassLoader artifact) {
        return List.of(REQUEST_HANDLER, STREAM_HANDLER).stream()
                .filter(name -> load(name, artifact).map(type -> type.isAssignableFrom(handler)).orElse(false))
                .toList();
    }

    /** The input type {@code I} of the handler's {@code RequestHandler<I, O>}, when it names a class. */
    private static Optional<String> eventOf(Class<?> handler, ClassLoader artifact) {
        Optional<Class<?>> requestHandler = load(REQUEST_HANDLER, artifact);
        for (Class<?> type = handler; type != null && requestHandler.isPresent(); type = type.getSuperclass()) {
            for (Type implemented : type.getGenericInterfaces()) {
                if (implemented instanceof ParameterizedType generic
                        && generic.getRawType() == requestHandler.get()
                        && generic.getActualTypeArguments()[0] instanceof Class<?> input) {
                    return Optional.of(input.getName());
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<Class<?>> load(String name, ClassLoader artifact) {
        try {
            return Optional.of(Class.forName(name, false, artifact));
        } catch (ClassNotFoundException e) {
            return Optional.empty();
        }
    }
}
