package dev.gatekeeper.admin;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.SystemSettingsRegionProvider;

/**
 * How the CLI's SDK clients find their region and credentials, and how long they try: the same for the table and
 * for the signing-key secrets. Every client is built with the Apache HTTP client explicitly, since more than one is
 * on the classpath (DynamoDB Local brings others).
 */
final class AdminAws {
    /** An operator waits at the terminal: fail within seconds rather than retry at length. */
    static final ClientOverrideConfiguration CALLS = ClientOverrideConfiguration.builder()
            .retryStrategy(retry -> retry.maxAttempts(3))
            .apiCallTimeout(Duration.ofSeconds(30))
            .build();

    private static final Region FALLBACK_REGION = Region.US_EAST_1;
    /**
     * What the CLI signs with against an emulator when no credentials are configured. DynamoDB Local keeps one
     * database per access key unless started shared, so this is the test harness's key.
     */
    private static final AwsBasicCredentials STAND_IN_CREDENTIALS = AwsBasicCredentials.create("local", "local");

    private AdminAws() {
    }

    /**
     * {@code builder} set up for this run: region, credentials, the Apache HTTP client, the calls' limits, and the
     * endpoint if one is given.
     */
    static <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(B builder, Region region,
            AwsCredentialsProvider credentials, Optional<URI> endpoint) {
        builder.region(region)
                .credentialsProvider(credentials)
                .overrideConfiguration(CALLS)
                .httpClientBuilder(ApacheHttpClient.builder());
        endpoint.ifPresent(builder::endpointOverride);
        return builder;
    }

    /** Where a client sends its calls, for messages: {@code in us-east-1 at http://127.0.0.1:8000}. */
    static String where(Region region, Optional<URI> endpoint) {
        return "in " + region.id() + endpoint.map(uri -> " at " + uri).orElse("");
    }

    /** The region given, else the default region chain, falling back to us-east-1. */
    static Region region(Optional<String> given, Optional<URI> endpoint) {
        return given.map(Region::of).orElseGet(() -> defaultRegion(endpoint.isPresent()));
    }

    /** Against AWS the default chain; against an emulator, configured credentials if any, else stand-ins. */
    static AwsCredentialsProvider credentials(Optional<URI> endpoint) {
        return endpoint.isPresent() ? emulatorCredentials() : DefaultCredentialsProvider.builder().build();
    }

    /**
     * Against an emulator the instance-metadata step is left out: off EC2 it only adds seconds of timeouts to every
     * command.
     */
    private static Region defaultRegion(boolean emulator) {
        AwsRegionProvider chain = emulator
                ? new AwsRegionProviderChain(new SystemSettingsRegionProvider(), new AwsProfileRegionProvider())
                : DefaultAwsRegionProviderChain.builder().build();
        try {
            return chain.getRegion();
        } catch (SdkClientException e) {
            return FALLBACK_REGION;
        }
    }

    private static AwsCredentialsProvider emulatorCredentials() {
        AwsCredentialsProviderChain configured = AwsCredentialsProviderChain.builder()
                .credentialsProviders(SystemPropertyCredentialsProvider.create(),
                        EnvironmentVariableCredentialsProvider.create(), ProfileCredentialsProvider.create())
                .build();
        try {
            configured.resolveCredentials();
            return configured;
        } catch (SdkClientException e) {
            configured.close();
            return StaticCredentialsProvider.create(STAND_IN_CREDENTIALS);
        }
    }
}
