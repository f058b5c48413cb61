package dev.palisade.eth2.signing;

import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.DomainType;
import dev.palisade.eth2.Domains;
import dev.palisade.eth2.ForkVersion;
import dev.palisade.eth2.Network;
import dev.palisade.eth2.types.DepositMessage;
import java.util.Optional;

/** DEPOSIT: valid on any chain with that genesis fork version, hence the zero genesis validators root. */
public record DepositRequest(Bytes32 signingRootClaim, DepositMessage deposit, ForkVersion genesisForkVersion)
    implements SigningRequest {
  @Override
  public SigningType type() {
    return SigningType.DEPOSIT;
  }

  @Override
  public Optional<ForkInfo> forkInfo() {
    return Optional.empty();
  }

  @Override
  public Optional<Bytes32> claimedSigningRoot() {
    return Optional.ofNullable(signingRootClaim);
  }

  @Override
  public Optional<SlashingSubject> slashingSubject() {
    return Optional.empty();
  }

  @Override
  public SigningRoots signingRoots(Network network) {
    return RootComputation.guarded(type(), network, () -> SigningRoots.of(
        deposit.hashTreeRoot(), Domains.computeDomain(DomainType.DEPOSIT, genesisForkVersion, Bytes32.ZERO)));
  }
}
