package dev.palisade.slashing;

class PostgresContractTest extends SlashingProtectionContractTest {
  @Override
  StoreFactory factory() {
    return StoreFactory.postgres();
  }
}
