package dev.gatekeeper.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.gatekeeper.core.error.ErrorDetail;
import dev.gatekeeper.core.error.GatekeeperException;
import dev.gatekeeper.core.token.ApplicationTokenRequest;
import dev.gatekeeper.core.token.TokenRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Strict readers for the two request bodies. Malformed JSON (including duplicate keys, trailing data and absurd
 * nesting) is 400; well-formed JSON with missing, unknown or mistyped fields is 422 naming each field.
 */
public final class JsonBodies {
    /** Far above any real request (a body with 100 scopes is about 3 KB). */
    static final int MAX_BODY_CHARS = 64 * 1024;
    private static final int MAX_ARRAY_ITEMS = 1_000;

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).maxStringLength(MAX_BODY_CHARS).build())
            .build();

    private JsonBodies() {
    }

    public static TokenRequest tokenRequest(String body) {
        Fields fields = new Fields();
        read(body, (name, parser) -> {
            switch (name) {
                case "scopes" -> fields.strings = stringArray(parser, "scopes", fields.problems);
                case "expiresIn" -> fields.expiresIn = integer(parser, "expiresIn", fields.problems);
                default -> unknown(parser, name, fields.problems);
            }
        });
        if (fields.strings == null && !fields.has("scopes")) {
            fields.problems.add(new ErrorDetail("REQUIRED", "scopes is required", "scopes"));
        }
        fields.throwIfAny();
        return new TokenRequest(fields.strings, fields.expiresIn);
    }

    public static ApplicationTokenRequest applicationTokenRequest(String body) {
        Fields fields = new Fields();
        read(body, (name, parser) -> {
            switch (name) {
                case "products" -> fields.strings = stringArray(parser, "products", fields.problems);
                case "resourceId" -> fields.text = string(parser, "resourceId", fields.problems);
                case "expiresIn" -> fields.expiresIn = integer(parser, "expiresIn", fields.problems);
                default -> unknown(parser, name, fields.problems);
            }
        });
        if (fields.strings == null && !fields.has("products")) {
            fields.problems.add(new ErrorDetail("REQUIRED", "products is required", "products"));
        }
        if (fields.text == null && !fields.has("resourceId")) {
            fields.problems.add(new ErrorDetail("REQUIRED", "resourceId is required", "resourceId"));
        }
        fields.throwIfAny();
        return new ApplicationTokenRequest(fields.strings, fields.text, fields.expiresIn);
    }

    private interface FieldReader {
        void read(String name, JsonParser parser) throws IOException;
    }

    private static void read(String body, FieldReader reader) {
        if (body == null || body.isBlank()) {
            throw GatekeeperException.badRequest("A JSON request body is required");
        }
        if (body.length() > MAX_BODY_CHARS) {
            throw GatekeeperException.badRequest("The request body is too large");
        }
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw GatekeeperException.badRequest("The request body must be a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                reader.read(name, parser);
            }
            if (parser.nextToken() != null) {
                throw GatekeeperException.badRequest("Unexpected content after the JSON object");
            }
        } catch (StreamConstraintsException e) {
            throw GatekeeperException.badRequest("The JSON body is nested too deeply or too large");
        } catch (JsonParseException e) {
            String what = e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field")
                    ? "Malformed JSON body: duplicate field" : "Malformed JSON body";
            throw GatekeeperException.badRequest(what);
        } catch (IOException e) {
            throw GatekeeperException.badRequest("Malformed JSON body");
        }
    }

    private static List<String> stringArray(JsonParser parser, String field, List<ErrorDetail> problems) throws IOException {
        if (parser.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            problems.add(new ErrorDetail("INVALID_TYPE", field + " must be an array of strings", field));
            parser.skipChildren();
            return null;
        }
        List<String> values = new ArrayList<>();
        boolean typeProblem = false;
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            if (parser.currentToken() == JsonToken.VALUE_STRING && values.size() < MAX_ARRAY_ITEMS + 1) {
                values.add(parser.getText());
            } else if (parser.currentToken() == JsonToken.VALUE_STRING) {
                continue; // counted as too many below; no need to keep more
            } else {
                typeProblem = true;
                parser.skipChildren();
            }
        }
        if (typeProblem) {
            problems.add(new ErrorDetail("INVALID_TYPE", field + " must be an array of strings", field));
            return null;
        }
        return values;
    }

    private static String string(JsonParser parser, String field, List<ErrorDetail> problems) throws IOException {
        if (parser.currentToken() == JsonToken.VALUE_STRING) {
            return parser.getText();
        }
        if (parser.currentToken() != JsonToken.VALUE_NULL) {
            problems.add(new ErrorDetail("INVALID_TYPE", field + " must be a string", field));
            parser.skipChildren();
        }
        return null;
    }

    private static Integer integer(JsonParser parser, String field, List<ErrorDetail> problems) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token == JsonToken.VALUE_NUMBER_INT) {
            if (parser.getNumberType() == JsonParser.NumberType.INT) {
                return parser.getIntValue();
            }
            problems.add(new ErrorDetail("OUT_OF_RANGE", field + " is out of range", field));
            return null;
        }
        problems.add(new ErrorDetail("INVALID_TYPE", field + " must be an integer", field));
        parser.skipChildren();
        return null;
    }

    private static void unknown(JsonParser parser, String name, List<ErrorDetail> problems) throws IOException {
        String shown = name.length() > 64 ? name.substring(0, 64) + "..." : name;
        problems.add(new ErrorDetail("UNKNOWN_FIELD", "Unknown field '" + shown + "'", shown));
        parser.skipChildren();
    }

    /** What the readers collect; a field seen with a bad value is recorded as a problem, not as missing. */
    private static final class Fields {
        final List<ErrorDetail> problems = new ArrayList<>();
        List<String> strings;
        String text;
        Integer expiresIn;

        boolean has(String field) {
            return problems.stream().anyMatch(p -> field.equals(p.field()));
        }

        void throwIfAny() {
            if (!problems.isEmpty()) {
                throw GatekeeperException.validation(problems);
            }
        }
    }
}
