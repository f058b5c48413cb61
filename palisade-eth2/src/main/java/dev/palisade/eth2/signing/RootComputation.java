package dev.palisade.eth2.signing;

import dev.palisade.eth2.Fork;
import dev.palisade.eth2.Network;
import dev.palisade.eth2.UInt64;
import java.util.Objects;
import java.util.function.Supplier;

/** Runs a signing-root computation so that only InvalidRequestException can escape it. */
final class RootComputation {
  static final String INTERNAL_ERROR = "internal error";

  private RootComputation() {}

  static SigningRoots guarded(SigningType type, Network network, Supplier<SigningRoots> computation) {
    Objects.requireNonNull(network, "network");
    try {
      return computation.get();
    } catch (InvalidRequestException e) {
      throw e;
    } catch (IllegalArgumentException e) { // SszException: the message does not fit the network's preset
      throw new InvalidRequestException(type.payloadKey(), e.getMessage());
    } catch (RuntimeException e) {
      throw new InvalidRequestException(
          null, INTERNAL_ERROR + ": could not compute the " + type + " signing root (" + e.getClass().getSimpleName() + ")");
    }
  }

  static void requireActive(Network network, Fork fork, long epoch, SigningType type) {
    if (!network.isActive(fork, epoch)) {
      throw new InvalidRequestException(
          type.payloadKey(),
          type + " needs " + fork + ", which is not active on " + network.name() + " at epoch " + UInt64.toString(epoch));
    }
  }
}
