package dev.palisade.vault.kek;

import dev.palisade.crypto.SecretBytes;
import dev.palisade.vault.seal.DataKey;
import dev.palisade.vault.seal.DataKeyBinding;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.KmsClientBuilder;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.DisabledException;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.IncorrectKeyException;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.NotFoundException;

/**
 * A KEK held by AWS KMS. New data keys come from {@code GenerateDataKey}; stored ones are opened by
 * {@code Decrypt}; rotation into KMS uses {@code Encrypt}. Every call carries the record's binding
 * as encryption context, so KMS itself refuses a wrapped key presented for another public key or
 * operator (and CloudTrail logs which key was opened).
 */
public final class AwsKmsKek implements KekProvider {
  public static final String ID_PREFIX = "aws-kms:";

  private final KmsClient client;
  private final String keyId;

  private AwsKmsKek(KmsClient client, String keyId) {
    this.client = client;
    this.keyId = keyId;
  }

  /** Uses the SDK's default credentials chain (environment, profile, instance role). */
  public static AwsKmsKek open(AwsKmsConfig config) {
    return open(config, DefaultCredentialsProvider.builder().build());
  }

  public static AwsKmsKek open(AwsKmsConfig config, AwsCredentialsProvider credentials) {
    KmsClientBuilder builder =
        KmsClient.builder()
            .region(Region.of(config.region()))
            .credentialsProvider(credentials)
            .httpClientBuilder(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(Duration.ofSeconds(5))
                    .socketTimeout(Duration.ofSeconds(10)));
    config.endpoint().ifPresent(builder::endpointOverride);
    return new AwsKmsKek(builder.build(), config.keyId());
  }

  @Override
  public String id() {
    return ID_PREFIX + keyId;
  }

  @Override
  public DataKey newDataKey(DataKeyBinding binding) throws KekException {
    GenerateDataKeyResponse response =
        call(
            () ->
                client.generateDataKey(
                    request ->
                        request
                            .keyId(keyId)
                            .keySpec(DataKeySpec.AES_256)
                            .encryptionContext(binding.encryptionContext())));
    SecretBytes plaintext = takePlaintext(response.plaintext());
    return new DataKey(plaintext, id(), response.ciphertextBlob().asByteArray());
  }

  @Override
  public byte[] wrap(SecretBytes dataKey, DataKeyBinding binding) throws KekException {
    return call(
            () ->
                client.encrypt(
                    request ->
                        request
                            .keyId(keyId)
                            .plaintext(SdkBytes.fromByteArray(dataKey.array()))
                            .encryptionContext(binding.encryptionContext())))
        .ciphertextBlob()
        .asByteArray();
  }

  @Override
  public SecretBytes unwrap(byte[] wrapped, DataKeyBinding binding) throws KekException {
    DecryptResponse response =
        call(
            () ->
                client.decrypt(
                    request ->
                        request
                            .keyId(keyId)
                            .ciphertextBlob(SdkBytes.fromByteArray(wrapped))
                            .encryptionContext(binding.encryptionContext())));
    return takePlaintext(response.plaintext());
  }

  @Override
  public void close() {
    client.close();
  }

  @Override
  public String toString() {
    return "AwsKmsKek[" + id() + "]";
  }

  /** Copies the plaintext out and wipes the SDK's buffer (the HTTP layer's copies we cannot). */
  private static SecretBytes takePlaintext(SdkBytes plaintext) throws KekException {
    if (plaintext == null) {
      throw new KekException(KekException.Kind.INVALID, "KMS returned no plaintext data key");
    }
    byte[] unsafe = plaintext.asByteArrayUnsafe();
    try {
      if (unsafe.length != DataKey.BYTES) {
        throw new KekException(KekException.Kind.INVALID, "KMS returned a data key of the wrong size");
      }
      return SecretBytes.copyOf(unsafe);
    } finally {
      SecretBytes.wipe(unsafe);
    }
  }

  @FunctionalInterface
  private interface KmsCall<T> {
    T run();
  }

  private <T> T call(KmsCall<T> kmsCall) throws KekException {
    try {
      return kmsCall.run();
    } catch (InvalidCiphertextException | IncorrectKeyException e) {
      throw new KekException(
          KekException.Kind.UNWRAP_FAILED,
          "KMS refused the wrapped data key for this public key and operator", e);
    } catch (NotFoundException e) {
      throw new KekException(KekException.Kind.NOT_FOUND, "KMS key not found: " + keyId, e);
    } catch (DisabledException e) {
      throw new KekException(KekException.Kind.UNAVAILABLE, "KMS key is disabled: " + keyId, e);
    } catch (KmsException e) {
      KekException.Kind kind =
          e.statusCode() == 400 && "AccessDeniedException".equals(errorCode(e))
                  || e.statusCode() == 403
              ? KekException.Kind.ACCESS_DENIED
              : KekException.Kind.UNAVAILABLE;
      throw new KekException(kind, "KMS error: " + errorCode(e) + " (" + e.statusCode() + ")", e);
    } catch (SdkClientException e) {
      throw new KekException(KekException.Kind.UNAVAILABLE, "cannot reach KMS: " + e.getMessage(), e);
    }
  }

  private static String errorCode(KmsException e) {
    return e.awsErrorDetails() == null ? "unknown" : e.awsErrorDetails().errorCode();
  }
}
