package dev.gatekeeper.local.template;

/** An {@code AWS::SecretsManager::Secret}; {@code name} is what a {@code !Ref} to it gives locally. */
public record SecretDefinition(String logicalId, String name) {
}
