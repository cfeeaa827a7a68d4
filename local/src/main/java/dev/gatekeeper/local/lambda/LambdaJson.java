package dev.gatekeeper.local.lambda;

import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Events and results as JSON, read and written the way the Lambda Java runtime does it: the library's event
 * serializers for the {@code aws-lambda-java-events} types (their field names differ from Java bean names), its
 * Jackson configuration for everything else.
 */
public final class LambdaJson {
    private static final Map<Class<?>, PojoSerializer<?>> SERIALIZERS = new ConcurrentHashMap<>();

    private LambdaJson() {
    }

    public static <T> T read(String json, Class<T> type) {
        return serializer(type).fromJson(json);
    }

    /** {@code null} (a handler that returns nothing) is written as {@code null}, as Lambda returns it. */
    public static String write(Object value) {
        if (value == null) {
            return "null";
        }
        @SuppressWarnings("unchecked")
        PojoSerializer<Object> serializer = (PojoSerializer<Object>) serializer(value.getClass());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        serializer.toJson(value, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    private static <T> PojoSerializer<T> serializer(Class<T> type) {
        return (PojoSerializer<T>) SERIALIZERS.computeIfAbsent(type, LambdaJson::create);
    }

    private static PojoSerializer<?> create(Class<?> type) {
        if (LambdaEventSerializers.isLambdaSupportedEvent(type.getName())) {
            return LambdaEventSerializers.serializerFor(type, type.getClassLoader());
        }
        return JacksonFactory.getInstance().getSerializer(type);
    }
}
