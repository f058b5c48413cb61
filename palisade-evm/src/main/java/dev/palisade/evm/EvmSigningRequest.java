package dev.palisade.evm;

import java.util.Arrays;

/**
 * What the vault signs with a secp256k1 key: always typed content, from which the digest is computed
 * here, never a bare hash from the caller. {@link RawData} (Web3Signer's eth1 sign: keccak256 of the
 * data) exists only for callers holding the explicit {@code sign:evm:raw} scope.
 */
public sealed interface EvmSigningRequest {
  /** The 32-byte digest the signature is over. */
  byte[] digest();

  /** A short name for audit and metrics: tx, eip191, eip712, raw. */
  String kind();

  record Transaction(EvmTransaction transaction) implements EvmSigningRequest {
    @Override
    public byte[] digest() {
      return transaction.signingHash();
    }

    @Override
    public String kind() {
      return "tx";
    }
  }

  record PersonalSign(PersonalMessage message) implements EvmSigningRequest {
    @Override
    public byte[] digest() {
      return message.digest();
    }

    @Override
    public String kind() {
      return "eip191";
    }
  }

  record TypedDataSign(TypedData typedData) implements EvmSigningRequest {
    @Override
    public byte[] digest() {
      return typedData.digest();
    }

    @Override
    public String kind() {
      return "eip712";
    }
  }

  record RawData(byte[] data) implements EvmSigningRequest {
    public RawData {
      data = data.clone();
    }

    @Override
    public byte[] data() {
      return data.clone();
    }

    @Override
    public byte[] digest() {
      return Keccak.hash(data);
    }

    @Override
    public String kind() {
      return "raw";
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof RawData raw && Arrays.equals(data, raw.data);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(data);
    }
  }
}
