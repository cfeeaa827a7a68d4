package dev.gatekeeper.local.template;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a CloudFormation template written in YAML into plain maps, lists and scalars. Short-form intrinsics become
 * their long form, as CloudFormation reads them: {@code !Ref X} is {@code {"Ref": "X"}}, {@code !Sub s} is
 * {@code {"Fn::Sub": s}}, {@code !GetAtt A.B} is {@code {"Fn::GetAtt": ["A", "B"]}}.
 */
final class CloudFormationYaml {
    private CloudFormationYaml() {
    }

    static Map<String, Object> read(String yaml, String source) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(50);
        Object document;
        try {
            document = new Yaml(new TemplateConstructor(options)).load(yaml);
        } catch (YAMLException e) {
            throw new TemplateException(source + " is not valid YAML: " + e.getMessage(), e);
        }
        if (!(document instanceof Map<?, ?> map)) {
            throw new TemplateException(source + " is not a template: its top level is not a mapping");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> root = (Map<String, Object>) map;
        return root;
    }

    /** Safe (no arbitrary classes), with every local {@code !Tag} read as an intrinsic function. */
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
