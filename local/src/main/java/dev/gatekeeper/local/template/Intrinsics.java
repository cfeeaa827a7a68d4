package dev.gatekeeper.local.template;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Evaluates intrinsic functions as CloudFormation would for a stack deployed on this machine: a parameter is its
 * {@code Default}, a resource is its local name (its explicit name property, else its logical id), and
 * {@code AWS::NoValue} removes the property that holds it. Anything that only a real deployment could answer (an
 * imported value, an attribute other than {@code Arn}) is a {@link TemplateException} naming where it was found.
 */
final class Intrinsics {
    /** Stands for {@code AWS::NoValue}: the enclosing property, list item or variable is dropped. */
    static final Object NO_VALUE = new Object() {
        @Override
        public String toString() {
            return "AWS::NoValue";
        }
    };

    static final String REGION = "us-east-1";
    static final String ACCOUNT_ID = "123456789012";
    static final String STACK_NAME = "gatekeeper-local";

    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{(!?)([^}]*)}");
    private static final int MAX_CONDITION_DEPTH = 32;

    private final Map<String, Object> parameters;
    private final Map<String, Object> resources;
    private final Map<String, Object> conditions;
    private final Map<String, Object> mappings;

    Intrinsics(Map<String, Object> template) {
        this.parameters = section(template, "Parameters");
        this.resources = section(template, "Resources");
        this.conditions = section(template, "Conditions");
        this.mappings = section(template, "Mappings");
    }

    static Map<String, Object> section(Map<String, Object> template, String name) {
        Object section = template.get(name);
        if (section == null) {
            return Map.of();
        }
        if (!(section instanceof Map<?, ?>)) {
            throw new TemplateException(name + " is not a mapping");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) section;
        return map;
    }

    /** The value with every intrinsic evaluated; {@link #NO_VALUE} if it is (or evaluates to) nothing. */
    Object resolve(Object value, String where) {
        if (value instanceof Map<?, ?> map) {
            if (map.size() == 1) {
                String key = String.valueOf(map.keySet().iterator().next());
                Object argument = map.values().iterator().next();
                if (key.equals("Ref")) {
                    return ref(scalar(argument, where + " (Ref)"), where);
                }
                if (key.startsWith("Fn::")) {
                    return function(key, argument, where);
                }
            }
            Map<String, Object> resolved = new LinkedHashMap<>();
            map.forEach((key, item) -> {
                Object itemValue = resolve(item, where + "." + key);
                if (itemValue != NO_VALUE) {
                    resolved.put(String.valueOf(key), itemValue);
                }
            });
            return resolved;
        }
        if (value instanceof List<?> list) {
            List<Object> resolved = new ArrayList<>();
            for (Object item : list) {
                Object itemValue = resolve(item, where);
                if (itemValue != NO_VALUE) {
                    resolved.add(itemValue);
                }
            }
            return resolved;
        }
        return value;
    }

    /** A scalar property as text, or null if it is absent or {@code AWS::NoValue}. */
    String resolveText(Object value, String where) {
        Object resolved = resolve(value, where);
        return resolved == NO_VALUE || resolved == null ? null : scalar(resolved, where);
    }

    /** The local name a {@code Ref} to this resource gives: its explicit name property, else its logical id. */
    String localName(String logicalId) {
        Map<String, Object> resource = resource(logicalId);
        Map<String, Object> properties = properties(resource);
        String nameProperty = switch (type(resource)) {
            case "AWS::DynamoDB::Table" -> "TableName";
            case "AWS::SecretsManager::Secret" -> "Name";
            case "AWS::Serverless::Function", "AWS::Lambda::Function" -> "FunctionName";
            default -> null;
        };
        if (nameProperty != null && properties.get(nameProperty) != null) {
            String name = resolveText(properties.get(nameProperty), logicalId + "." + nameProperty);
            if (name != null) {
                return name;
            }
        }
        return logicalId;
    }

    boolean isResource(String logicalId) {
        return resources.containsKey(logicalId);
    }

    String resourceType(String logicalId) {
        return type(resource(logicalId));
    }

    private Object ref(String name, String where) {
        switch (name) {
            case "AWS::NoValue":
                return NO_VALUE;
            case "AWS::Region":
                return REGION;
            case "AWS::AccountId":
                return ACCOUNT_ID;
            case "AWS::Partition":
                return "aws";
            case "AWS::URLSuffix":
                return "amazonaws.com";
            case "AWS::StackName":
                return STACK_NAME;
            case "AWS::StackId":
                return "arn:aws:cloudformation:" + REGION + ":" + ACCOUNT_ID + ":stack/" + STACK_NAME + "/local";
            default:
                break;
        }
        if (parameters.containsKey(name)) {
            Object parameter = parameters.get(name);
            Object fallback = parameter instanceof Map<?, ?> map ? map.get("Default") : null;
            if (fallback == null) {
                throw new TemplateException(where + ": parameter " + name + " has no Default to run with locally");
            }
            return fallback;
        }
        if (resources.containsKey(name)) {
            return localName(name);
        }
        throw new TemplateException(where + ": Ref to " + name + ", which is neither a parameter nor a resource");
    }

    private Object function(String name, Object argument, String where) {
        String at = where + " (" + name + ")";
        return switch (name) {
            case "Fn::Sub" -> sub(argument, at);
            case "Fn::GetAtt" -> getAtt(argument, at);
            case "Fn::Join" -> {
                List<?> arguments = arguments(argument, 2, at);
                List<String> parts = new ArrayList<>();
                for (Object part : list(resolve(arguments.get(1), at), at)) {
                    parts.add(scalar(part, at));
                }
                yield String.join(scalar(arguments.get(0), at), parts);
            }
            case "Fn::Select" -> {
                List<?> arguments = arguments(argument, 2, at);
                List<?> items = list(resolve(arguments.get(1), at), at);
                int index;
                try {
                    index = Integer.parseInt(scalar(resolve(arguments.get(0), at), at));
                } catch (NumberFormatException e) {
                    throw new TemplateException(at + ": the index is not a number", e);
                }
                if (index < 0 || index >= items.size()) {
                    throw new TemplateException(at + ": index " + index + " is outside the list");
                }
                yield items.get(index);
            }
            case "Fn::Split" -> {
                List<?> arguments = arguments(argument, 2, at);
                String delimiter = scalar(arguments.get(0), at);
                yield List.of(scalar(resolve(arguments.get(1), at), at).split(Pattern.quote(delimiter), -1));
            }
            case "Fn::If" -> {
                List<?> arguments = arguments(argument, 3, at);
                yield resolve(condition(scalar(arguments.get(0), at), at, 0) ? arguments.get(1) : arguments.get(2), at);
            }
            case "Fn::FindInMap" -> {
                List<?> arguments = arguments(argument, 3, at);
                Object map = mappings.get(scalar(resolve(arguments.get(0), at), at));
                Object top = map instanceof Map<?, ?> m ? m.get(scalar(resolve(arguments.get(1), at), at)) : null;
                Object value = top instanceof Map<?, ?> t ? t.get(scalar(resolve(arguments.get(2), at), at)) : null;
                if (value == null) {
                    throw new TemplateException(at + ": no such entry in Mappings");
                }
                yield value;
            }
            case "Fn::Base64" -> Base64.getEncoder().encodeToString(
                    scalar(resolve(argument, at), at).getBytes(StandardCharsets.UTF_8));
            default -> throw new TemplateException(at + ": " + name + " cannot be evaluated without a deployment");
        };
    }

    private String sub(Object argument, String where) {
        String text;
        Map<?, ?> variables = Map.of();
        if (argument instanceof List<?> list && list.size() == 2 && list.get(1) instanceof Map<?, ?> map) {
            text = scalar(list.get(0), where);
            variables = map;
        } else {
            text = scalar(argument, where);
        }
        Matcher matcher = SUB_VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String replacement;
            String variable = matcher.group(2).trim();
            if (!matcher.group(1).isEmpty()) {
                replacement = "${" + matcher.group(2) + "}"; // ${!Literal} is written as ${Literal}
            } else if (variables.containsKey(variable)) {
                replacement = scalar(resolve(variables.get(variable), where), where);
            } else if (variable.contains(".") && !variable.startsWith("AWS::")) {
                replacement = scalar(getAtt(variable, where), where);
            } else {
                Object value = ref(variable, where);
                if (value == NO_VALUE) {
                    throw new TemplateException(where + ": AWS::NoValue cannot be part of a string");
                }
                replacement = scalar(value, where);
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private String getAtt(Object argument, String where) {
        List<?> parts = argument instanceof String text ? List.of(text.split("\\.", 2)) : list(argument, where);
        if (parts.size() != 2) {
            throw new TemplateException(where + ": GetAtt needs a resource and an attribute");
        }
        String logicalId = scalar(resolve(parts.get(0), where), where);
        String attribute = scalar(resolve(parts.get(1), where), where);
        if (!resources.containsKey(logicalId)) {
            throw new TemplateException(where + ": GetAtt of " + logicalId + ", which is not a resource");
        }
        if (!attribute.equals("Arn")) {
            throw new TemplateException(where + ": " + logicalId + "." + attribute
                    + " exists only in a deployed stack");
        }
        String name = localName(logicalId);
        String prefix = ":" + REGION + ":" + ACCOUNT_ID + ":";
        return switch (resourceType(logicalId)) {
            case "AWS::DynamoDB::Table" -> "arn:aws:dynamodb" + prefix + "table/" + name;
            case "AWS::SecretsManager::Secret" -> "arn:aws:secretsmanager" + prefix + "secret:" + name;
            case "AWS::Serverless::Function", "AWS::Lambda::Function" -> "arn:aws:lambda" + prefix + "function:" + name;
            default -> throw new TemplateException(where + ": the Arn of a " + resourceType(logicalId)
                    + " is not known locally");
        };
    }

    private boolean condition(String name, String where, int depth) {
        if (depth > MAX_CONDITION_DEPTH) {
            throw new TemplateException(where + ": condition " + name + " refers to itself");
        }
        if (!conditions.containsKey(name)) {
            throw new TemplateException(where + ": no condition named " + name);
        }
        return evaluate(conditions.get(name), "Conditions." + name, depth + 1);
    }

    private boolean evaluate(Object expression, String where, int depth) {
        if (!(expression instanceof Map<?, ?> map) || map.size() != 1) {
            throw new TemplateException(where + ": not a condition function");
        }
        String name = String.valueOf(map.keySet().iterator().next());
        Object argument = map.values().iterator().next();
        switch (name) {
            case "Condition":
                return condition(scalar(argument, where), where, depth);
            case "Fn::Equals": {
                List<?> arguments = arguments(argument, 2, where);
                return Objects.equals(scalar(resolve(arguments.get(0), where), where),
                        scalar(resolve(arguments.get(1), where), where));
            }
            case "Fn::Not":
                return !evaluate(arguments(argument, 1, where).get(0), where, depth + 1);
            case "Fn::And":
                for (Object operand : list(argument, where)) {
                    if (!evaluate(operand, where, depth + 1)) {
                        return false;
                    }
                }
                return true;
            case "Fn::Or":
                for (Object operand : list(argument, where)) {
                    if (evaluate(operand, where, depth + 1)) {
                        return true;
                    }
                }
                return false;
            default:
                throw new TemplateException(where + ": " + name + " is not a condition function");
        }
    }

    Map<String, Object> resourceDefinition(String logicalId) {
        return resource(logicalId);
    }

    private Map<String, Object> resource(String logicalId) {
        Object resource = resources.get(logicalId);
        if (!(resource instanceof Map<?, ?>)) {
            throw new TemplateException("Resources." + logicalId + " is not a resource");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) resource;
        return map;
    }

    private static String type(Map<String, Object> resource) {
        return String.valueOf(resource.get("Type"));
    }

    static Map<String, Object> properties(Map<String, Object> resource) {
        Object properties = resource.get("Properties");
        if (!(properties instanceof Map<?, ?>)) {
            return Map.of();
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) properties;
        return map;
    }

    /** Text of a scalar as CloudFormation passes it on: numbers and booleans as they are written. */
    static String scalar(Object value, String where) {
        if (value instanceof String text) {
            return text;
        }
        if (value instanceof Number || value instanceof Boolean) {
            return String.valueOf(value);
        }
        throw new TemplateException(where + ": expected a single value, found " + (value == null ? "nothing" : value));
    }

    private static List<?> list(Object value, String where) {
        if (value instanceof List<?> list) {
            return list;
        }
        throw new TemplateException(where + ": expected a list");
    }

    private static List<?> arguments(Object argument, int count, String where) {
        List<?> arguments = list(argument, where);
        if (arguments.size() != count) {
            throw new TemplateException(where + ": expected " + count + " arguments, found " + arguments.size());
        }
        return arguments;
    }
}
