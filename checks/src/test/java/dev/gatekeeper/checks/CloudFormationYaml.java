package dev.gatekeeper.checks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads YAML into maps, lists and scalars, with CloudFormation's short-form intrinsics in their long form
 * ({@code !Ref X} is {@code {Ref: X}}, {@code !GetAtt A.B} is {@code {Fn::GetAtt: [A, B]}}), so a template reads
 * the same whether it was written by hand or by {@code sam build}.
 *
 * <p>The local runner has a reader like this one; it is not reused on purpose. It evaluates the intrinsics into the
 * values a running function sees ({@code !Ref TokensTable} becomes a table name), while these checks need them as
 * written, to tell which resource a policy or a variable names.
 */
final class CloudFormationYaml {
    private CloudFormationYaml() {
    }

    static Map<String, Object> read(String yaml, String source) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        Object document = new Yaml(new TemplateConstructor(options)).load(yaml);
        if (!(document instanceof Map<?, ?>)) {
            throw new IllegalArgumentException(source + " is not a YAML mapping");
        }
        return map(document);
    }

    /** The value as a mapping; an absent value is an empty one. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("expected a mapping, found: " + value);
        }
        return (Map<String, Object>) value;
    }

    /** The resource behind {@code {Ref: X}}, {@code {Fn::GetAtt: [X, Arn]}} or {@code {Fn::GetAtt: X.Arn}}. */
    static Optional<String> referencedResource(Object value) {
        if (!(value instanceof Map<?, ?>)) {
            return Optional.empty();
        }
        Map<String, Object> intrinsic = map(value);
        if (intrinsic.get("Ref") instanceof String name) {
            return Optional.of(name);
        }
        Object getAtt = intrinsic.get("Fn::GetAtt");
        if (getAtt instanceof List<?> parts && !parts.isEmpty()) {
            return Optional.of(String.valueOf(parts.get(0)));
        }
        if (getAtt instanceof String text) {
            return Optional.of(text.split("\\.", 2)[0]);
        }
        return Optional.empty();
    }

    /** Safe (builds no arbitrary classes), with every local {@code !Tag} read as an intrinsic function. */
    private static final class TemplateConstructor extends SafeConstructor {
        TemplateConstructor(LoaderOptions options) {
            super(options);
            yamlMultiConstructors.put("!", new ConstructIntrinsic());
            // CloudFormation reads an unquoted date as text; YAML would make it a java.util.Date.
            yamlConstructors.put(Tag.TIMESTAMP, new ConstructYamlStr());
        }

        private final class ConstructIntrinsic extends AbstractConstruct {
            @Override
            public Object construct(Node node) {
                String name = node.getTag().getValue().substring(1);
                String key = name.equals("Ref") || name.equals("Condition") ? name : "Fn::" + name;
                Object argument;
                if (node instanceof ScalarNode scalar) {
                    String text = constructScalar(scalar);
                    argument = name.equals("GetAtt") ? List.of(text.split("\\.", 2)) : text;
                } else if (node instanceof SequenceNode sequence) {
                    argument = constructSequence(sequence);
                } else {
                    argument = constructMapping((MappingNode) node);
                }
                Map<String, Object> intrinsic = new LinkedHashMap<>();
                intrinsic.put(key, argument);
                return intrinsic;
            }
        }
    }
}
