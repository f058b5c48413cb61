package dev.palisade.slashing;

class SqliteContractTest extends SlashingProtectionContractTest {
  @Override
  StoreFactory factory() {
    return StoreFactory.sqlite();
  }
}
