package dev.palisade.evm;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * An unsigned EVM transaction of type 0 (legacy, always EIP-155), 1 (EIP-2930), 2 (EIP-1559),
 * 3 (EIP-4844, the signed envelope: blob versioned hashes, not the blobs) or 4 (EIP-7702). Fields a
 * type does not have are null (fees) or empty (lists). This is what a policy sees: chain id, to (null
 * for a contract creation), value, data and its ERC-20 decoding, gas limit and fees, authorizations.
 */
public record EvmTransaction(
    int type,
    BigInteger chainId,
    BigInteger nonce,
    BigInteger gasLimit,
    BigInteger gasPrice,
    BigInteger maxPriorityFeePerGas,
    BigInteger maxFeePerGas,
    Address to,
    BigInteger value,
    byte[] data,
    List<AccessListEntry> accessList,
    BigInteger maxFeePerBlobGas,
    List<byte[]> blobVersionedHashes,
    List<Authorization> authorizationList) {

  /** EIP-4844: gas used per blob, for the worst-case cost a gas policy checks. */
  public static final BigInteger GAS_PER_BLOB = BigInteger.valueOf(131072);

  public EvmTransaction {
    data = data.clone();
    accessList = List.copyOf(accessList);
    blobVersionedHashes = blobVersionedHashes.stream().map(byte[]::clone).toList();
    authorizationList = List.copyOf(authorizationList);
  }

  @Override
  public byte[] data() {
    return data.clone();
  }

  public boolean isContractCreation() {
    return to == null;
  }

  /** The ERC-20 call this transaction makes, when its data decodes as one. */
  public Optional<Erc20Call> erc20Call() {
    return to == null ? Optional.empty() : Erc20Call.decode(data);
  }

  /** The most the sender can pay for gas: limit × (gas price or max fee) plus blob gas × blob fee. */
  public BigInteger maxGasCost() {
    BigInteger perGas = gasPrice != null ? gasPrice : maxFeePerGas;
    BigInteger cost = gasLimit.multiply(perGas);
    if (maxFeePerBlobGas != null) {
      BigInteger blobGas = GAS_PER_BLOB.multiply(BigInteger.valueOf(blobVersionedHashes.size()));
      cost = cost.add(blobGas.multiply(maxFeePerBlobGas));
    }
    return cost;
  }

  /** The payload whose keccak-256 is signed (for type 0, EIP-155's [.., chainId, 0, 0]). */
  public byte[] unsignedEncoding() {
    List<Object> fields = fields();
    if (type == 0) {
      fields.add(chainId);
      fields.add(BigInteger.ZERO);
      fields.add(BigInteger.ZERO);
    }
    return typed(fields);
  }

  public byte[] signingHash() {
    return Keccak.hash(unsignedEncoding());
  }

  /** The raw transaction to broadcast (eth_sendRawTransaction). */
  public byte[] signedEncoding(EvmSignature signature) {
    List<Object> fields = fields();
    BigInteger v = type == 0
        // EIP-155: v = chainId * 2 + 35 + yParity.
        ? chainId.shiftLeft(1).add(BigInteger.valueOf(35 + signature.yParity()))
        : BigInteger.valueOf(signature.yParity());
    fields.add(v);
    fields.add(signature.rValue());
    fields.add(signature.sValue());
    return typed(fields);
  }

  public static byte[] hash(byte[] signedEncoding) {
    return Keccak.hash(signedEncoding);
  }

  private byte[] typed(List<Object> fields) {
    byte[] body = Rlp.encode(fields);
    if (type == 0) {
      return body;
    }
    byte[] out = new byte[body.length + 1];
    out[0] = (byte) type;
    System.arraycopy(body, 0, out, 1, body.length);
    return out;
  }

  private List<Object> fields() {
    byte[] toBytes = to == null ? new byte[0] : to.bytes();
    List<Object> fields = new ArrayList<>();
    if (type == 0) {
      fields.addAll(List.of(nonce, gasPrice, gasLimit, toBytes, value, data));
      return fields;
    }
    fields.add(chainId);
    fields.add(nonce);
    if (type == 1) {
      fields.add(gasPrice);
    } else {
      fields.add(maxPriorityFeePerGas);
      fields.add(maxFeePerGas);
    }
    fields.addAll(List.of(gasLimit, toBytes, value, data));
    fields.add(accessList.stream().map(e -> (Object) e.rlpItem()).toList());
    if (type == 3) {
      fields.add(maxFeePerBlobGas);
      fields.add(new ArrayList<Object>(blobVersionedHashes));
    }
    if (type == 4) {
      fields.add(authorizationList.stream().map(a -> (Object) a.rlpItem()).toList());
    }
    return fields;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof EvmTransaction o && Arrays.equals(unsignedEncoding(), o.unsignedEncoding());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(unsignedEncoding());
  }

  @Override
  public String toString() {
    return "EvmTransaction[type=" + type + ", chainId=" + chainId + ", nonce=" + nonce + ", to=" + to
        + ", value=" + value + "]";
  }
}
