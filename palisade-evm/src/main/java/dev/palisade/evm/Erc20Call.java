package dev.palisade.evm;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Optional;

/**
 * An ERC-20 {@code transfer}, {@code approve} or {@code transferFrom} call decoded from transaction data
 * (ABI: 4-byte selector, then 32-byte words). The token is the transaction's {@code to}. Hand-written:
 * three fixed shapes do not need an ABI library.
 */
public sealed interface Erc20Call {
  /** The amount of tokens the call moves or allows. */
  BigInteger amount();

  record Transfer(Address recipient, BigInteger amount) implements Erc20Call {}

  record Approve(Address spender, BigInteger amount) implements Erc20Call {}

  record TransferFrom(Address from, Address recipient, BigInteger amount) implements Erc20Call {}

  int TRANSFER = 0xa9059cbb; // transfer(address,uint256)
  int APPROVE = 0x095ea7b3; // approve(address,uint256)
  int TRANSFER_FROM = 0x23b872dd; // transferFrom(address,address,uint256)

  /**
   * The call, when {@code data} is exactly one of the three with well-formed arguments (addresses with
   * zero upper 12 bytes); anything else is not an ERC-20 call and a policy treats it as opaque.
   */
  static Optional<Erc20Call> decode(byte[] data) {
    if (data.length < 4) {
      return Optional.empty();
    }
    int selector = ((data[0] & 0xff) << 24) | ((data[1] & 0xff) << 16) | ((data[2] & 0xff) << 8) | (data[3] & 0xff);
    int words = (data.length - 4) / 32;
    if ((data.length - 4) % 32 != 0) {
      return Optional.empty();
    }
    return switch (selector) {
      case TRANSFER -> words != 2 ? Optional.empty()
          : address(data, 0).map(to -> new Transfer(to, uint(data, 1)));
      case APPROVE -> words != 2 ? Optional.empty()
          : address(data, 0).map(spender -> new Approve(spender, uint(data, 1)));
      case TRANSFER_FROM -> words != 3 ? Optional.empty()
          : address(data, 0).flatMap(from -> address(data, 1).map(to -> new TransferFrom(from, to, uint(data, 2))));
      default -> Optional.empty();
    };
  }

  private static byte[] word(byte[] data, int index) {
    return Arrays.copyOfRange(data, 4 + index * 32, 4 + (index + 1) * 32);
  }

  private static Optional<Address> address(byte[] data, int index) {
    byte[] word = word(data, index);
    for (int i = 0; i < 12; i++) {
      if (word[i] != 0) {
        return Optional.empty();
      }
    }
    return Optional.of(new Address(Arrays.copyOfRange(word, 12, 32)));
  }

  private static BigInteger uint(byte[] data, int index) {
    return new BigInteger(1, word(data, index));
  }
}
