package dev.palisade.vault.kek;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * An AWS KMS key used as KEK. Credentials come from the SDK's default chain unless the caller
 * passes a provider to {@link AwsKmsKek#open}.
 *
 * @param keyId key id, ARN or alias ({@code alias/palisade})
 * @param region e.g. {@code eu-west-1}
 * @param endpoint an endpoint override (a VPC endpoint, or a local stub in tests)
 */
public record AwsKmsConfig(String keyId, String region, Optional<URI> endpoint) {
  public AwsKmsConfig {
    if (keyId == null || keyId.isBlank()) {
      throw new IllegalArgumentException("a KMS key id is required");
    }
    if (region == null || region.isBlank()) {
      throw new IllegalArgumentException("an AWS region is required");
    }
    Objects.requireNonNull(endpoint, "endpoint");
  }
}
