package dev.palisade.eth2;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A consensus network as a signer needs it: its preset, its fork schedule and (when known) its
 * genesis validators root. Epochs are unsigned; a fork that is not scheduled activates at {@link
 * UInt64#FAR_FUTURE} and is never active.
 *
 * @param genesisValidatorsRoot empty when the configuration did not say (consensus config files do
 *     not carry it)
 * @param schedule every fork, PHASE0 first, with its version and activation epoch
 */
public record Network(
    String name,
    Preset preset,
    Optional<Bytes32> genesisValidatorsRoot,
    Map<Fork, ScheduledFork> schedule) {

  /** One row of the fork schedule. */
  public record ScheduledFork(ForkVersion version, long activationEpoch) {
    public ScheduledFork {
      Objects.requireNonNull(version, "version");
    }

    public boolean isScheduled() {
      return activationEpoch != UInt64.FAR_FUTURE;
    }
  }

  public Network {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(preset, "preset");
    Objects.requireNonNull(genesisValidatorsRoot, "genesisValidatorsRoot");
    EnumMap<Fork, ScheduledFork> copy = new EnumMap<>(Fork.class);
    copy.putAll(schedule);
    for (Fork fork : Fork.values()) {
      if (!copy.containsKey(fork)) {
        throw new IllegalArgumentException("the fork schedule of " + name + " lacks " + fork);
      }
    }
    if (copy.get(Fork.PHASE0).activationEpoch() != 0) {
      throw new IllegalArgumentException("PHASE0 must activate at epoch 0");
    }
    Fork previous = Fork.PHASE0;
    for (Fork fork : Fork.values()) {
      ScheduledFork row = copy.get(fork);
      if (row.isScheduled()
          && Long.compareUnsigned(row.activationEpoch(), copy.get(previous).activationEpoch()) < 0) {
        throw new IllegalArgumentException(
            fork + " activates at epoch " + UInt64.toString(row.activationEpoch())
                + ", before the earlier fork " + previous);
      }
      previous = fork;
    }
    schedule = Collections.unmodifiableMap(copy);
  }

  public ForkVersion genesisForkVersion() {
    return version(Fork.PHASE0);
  }

  public ForkVersion version(Fork fork) {
    return schedule.get(fork).version();
  }

  public long activationEpoch(Fork fork) {
    return schedule.get(fork).activationEpoch();
  }

  public boolean isActive(Fork fork, long epoch) {
    long activation = activationEpoch(fork);
    return activation != UInt64.FAR_FUTURE && Long.compareUnsigned(epoch, activation) >= 0;
  }

  /** The latest fork active at {@code epoch}. */
  public Fork forkAtEpoch(long epoch) {
    Fork[] forks = Fork.values();
    for (int i = forks.length - 1; i > 0; i--) {
      if (isActive(forks[i], epoch)) {
        return forks[i];
      }
    }
    return Fork.PHASE0;
  }

  public long epochAtSlot(long slot) {
    return Long.divideUnsigned(slot, preset.slotsPerEpoch());
  }

  public Fork forkAtSlot(long slot) {
    return forkAtEpoch(epochAtSlot(slot));
  }
}
