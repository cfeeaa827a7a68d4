package dev.gatekeeper.local.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import dev.gatekeeper.local.template.FunctionDefinition;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/**
 * A function's handler instance and the method the template's {@code Handler} names, called the ways the Lambda
 * Java runtime calls handlers: {@code (event, Context)}, {@code (event)}, {@code ()} or, for stream handlers,
 * {@code (InputStream, OutputStream, Context)}. The event type is the method's declared parameter type, so an event
 * file is read as exactly what the handler expects.
 */
public final class LocalFunction {
    private enum Shape { EVENT_AND_CONTEXT, EVENT, NOTHING, STREAMS }

    private final FunctionDefinition definition;
    private final Object handler;
    private final Method method;
    private final Shape shape;

    private LocalFunction(FunctionDefinition definition, Object handler, Method method, Shape shape) {
        this.definition = definition;
        this.handler = handler;
        this.method = method;
        this.shape = shape;
    }

    public static LocalFunction of(FunctionDefinition definition, Object handler) {
        Method method = Arrays.stream(handler.getClass().getMethods())
                .filter(candidate -> candidate.getName().equals(definition.handlerMethod()))
                .filter(candidate -> !candidate.isBridge() && !candidate.isSynthetic())
                .filter(candidate -> !Modifier.isStatic(candidate.getModifiers()))
                .filter(candidate -> shape(candidate).isPresent())
                // As the runtime does when a name is overloaded: the method taking the most arguments.
                .max(Comparator.comparingInt(Method::getParameterCount))
                .orElseThrow(() -> new IllegalStateException(definition.logicalId() + ": " + definition.handlerClass()
                        + " has no public method " + definition.handlerMethod() + " that Lambda could call"));
        return new LocalFunction(definition, handler, method, shape(method).orElseThrow());
    }

    public FunctionDefinition definition() {
        return definition;
    }

    /** What the handler's method declares it receives; {@code Object} for a stream or argument-less handler. */
    public Class<?> eventType() {
        return shape == Shape.EVENT_AND_CONTEXT || shape == Shape.EVENT ? method.getParameterTypes()[0] : Object.class;
    }

    /**
     * Calls the handler with an event already of its type (or, for other handlers, turned into JSON first) and
     * returns what it returned; for a stream handler, the text it wrote.
     *
     * @throws FunctionError if the handler threw
     */
    public Object invoke(Object event, Context context) {
        if (shape == Shape.STREAMS) {
            return invokeJson(LambdaJson.write(event), context);
        }
        Object argument = event == null || eventType().isInstance(event) ? event
                : LambdaJson.read(LambdaJson.write(event), eventType());
        return call(argument, context);
    }

    /** Runs the handler with an event given as JSON and returns its result as JSON, as Lambda's Invoke API does. */
    public String invokeJson(String eventJson, Context context) {
        if (shape == Shape.STREAMS) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            call(new ByteArrayInputStream(eventJson.getBytes(StandardCharsets.UTF_8)), out, context);
            return out.toString(StandardCharsets.UTF_8);
        }
        Object event = shape == Shape.NOTHING ? null : LambdaJson.read(eventJson, eventType());
        return LambdaJson.write(call(event, context));
    }

    private Object call(Object event, Context context) {
        return switch (shape) {
            case EVENT_AND_CONTEXT -> reflectively(event, context);
            case EVENT -> reflectively(event);
            case NOTHING -> reflectively();
            case STREAMS -> throw new IllegalStateException("stream handlers take JSON");
        };
    }

    private void call(InputStream in, OutputStream out, Context context) {
        reflectively(in, out, context);
    }

    private Object reflectively(Object... arguments) {
        try {
            return method.invoke(handler, arguments);
        } catch (InvocationTargetException e) {
            throw new FunctionError(definition.logicalId(), Objects.requireNonNullElse(e.getCause(), e));
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(definition.logicalId() + ": cannot call " + method, e);
        }
    }

    private static Optional<Shape> shape(Method method) {
        Class<?>[] parameters = method.getParameterTypes();
        if (parameters.length == 3 && parameters[0] == InputStream.class && parameters[1] == OutputStream.class
                && parameters[2] == Context.class) {
            return Optional.of(Shape.STREAMS);
        }
        if (parameters.length == 2 && parameters[1] == Context.class) {
            return Optional.of(Shape.EVENT_AND_CONTEXT);
        }
        if (parameters.length == 1 && parameters[0] != Context.class) {
            return Optional.of(Shape.EVENT);
        }
        return parameters.length == 0 ? Optional.of(Shape.NOTHING) : Optional.empty();
    }
}
