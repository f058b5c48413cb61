package dev.palisade.auth;

import dev.palisade.store.Dialect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.eth2.BlsPublicKey;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The store's operations on both databases. */
class IdentityStoreTest {

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void createListRevoke(Dialect dialect) {
    try (IdentityStore store = IdentityStore.open(TestDatabases.fresh(dialect), dialect)) {
      store.createOperator(OperatorId.of("op-a"));
      store.createOperator(OperatorId.of("op-b"));
      BlsPublicKey key = AuthorizerTest.randomKey();
      CreatedIdentity token = store.createIdentity(
          NewIdentity.of("tok", "op-a", new Credential.BearerToken(), "keys:read,keys:write"));
      store.createIdentity(NewIdentity.of("net", "op-b",
          new Credential.NetworkAddress(List.of(Cidr.parse("fd00::/8"), Cidr.parse("10.0.0.0/8"))),
          "validate").limitedTo(Set.of(key)));
      assertTrue(token.secret().isPresent());

      List<Identity> listed = store.listIdentities();
      assertEquals(List.of("net", "tok"), listed.stream().map(i -> i.id().value()).toList());
      Identity net = listed.get(0);
      assertEquals(IdentityType.NETWORK, net.type());
      assertEquals(Optional.of(Set.of(key)), net.allowedKeys());
      assertEquals(Set.of(Cidr.parse("fd00::/8"), Cidr.parse("10.0.0.0/8")),
          Set.copyOf(((Credential.NetworkAddress) net.credential()).networks()));
      assertEquals(token.identity(), listed.get(1));
      assertEquals(List.of(OperatorId.of("op-a"), OperatorId.of("op-b")),
          store.listOperators().stream().map(Operator::id).toList());
      assertEquals(1, store.listIdentities(OperatorId.of("op-b")).size());

      assertTrue(store.revokeIdentity(IdentityId.of("tok")));
      assertTrue(store.findIdentity(IdentityId.of("tok")).orElseThrow().isRevoked());
      assertFalse(store.revokeIdentity(IdentityId.of("tok")));
      assertFalse(store.revokeIdentity(IdentityId.of("nobody")));
    }
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void conflictsAreTyped(Dialect dialect) {
    try (IdentityStore store = IdentityStore.open(TestDatabases.fresh(dialect), dialect)) {
      store.createOperator(OperatorId.of("op-a"));
      assertThrows(AuthConflictException.class, () -> store.createOperator(OperatorId.of("op-a")));
      NewIdentity basic = NewIdentity.of("teku", "op-a", new Credential.BasicSecret(), "validate");
      store.createIdentity(basic);
      assertThrows(AuthConflictException.class, () -> store.createIdentity(basic));
      store.revokeIdentity(IdentityId.of("teku"));
      assertThrows(AuthConflictException.class, () -> store.createIdentity(basic),
          "revoked names stay taken so the audit log stays unambiguous");
      assertThrows(AuthConflictException.class, () -> store.createIdentity(
          NewIdentity.of("x", "no-such-op", new Credential.BearerToken(), "validate")));
      assertThrows(IllegalArgumentException.class, () -> IdentityId.of("Has:Colon"));
    }
  }

  /** The secret is shown once and never stored: search every text column of every table for it. */
  @ParameterizedTest
  @EnumSource(Dialect.class)
  void secretsAppearNowhereInTheDatabase(Dialect dialect) throws Exception {
    DataSource ds = TestDatabases.fresh(dialect);
    try (IdentityStore store = IdentityStore.open(ds, dialect)) {
      store.createOperator(OperatorId.of("op-a"));
      String token = store.createIdentity(NewIdentity.of("tok", "op-a",
          new Credential.BearerToken(), "validate")).secret().orElseThrow().reveal();
      String password = store.createIdentity(NewIdentity.of("bas", "op-a",
          new Credential.BasicSecret(), "validate")).secret().orElseThrow().reveal();
      String dump = dumpAllTables(ds);
      assertTrue(dump.contains("tok") && dump.contains("bas"), "the dump covers the identity table");
      for (String secret : List.of(token, password)) {
        assertFalse(dump.contains(secret), "secret stored in clear");
        assertFalse(dump.contains(secret.substring(4)), "secret body stored in clear");
        assertFalse(dump.contains(secret.substring(4, 20)), "part of a secret stored");
        // only its SHA-256 is there
        assertTrue(dump.contains(HexFormat.of().formatHex(Secrets.hash(secret))));
      }
    }
  }

  /** Another module's tables already in the database must not stop our migration. */
  @ParameterizedTest
  @EnumSource(Dialect.class)
  void migratesBesideOtherModulesTables(Dialect dialect) throws Exception {
    DataSource ds = TestDatabases.fresh(dialect);
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute("create table someone_elses (id integer primary key)");
    }
    try (IdentityStore store = IdentityStore.open(ds, dialect)) {
      store.createOperator(OperatorId.of("op-a"));
    }
    AuthMigrations.migrate(ds, dialect); // idempotent
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            "select count(*) from " + AuthMigrations.HISTORY_TABLE + " where success = "
                + (dialect == Dialect.SQLITE ? "1" : "true"))) {
      rs.next();
      assertTrue(rs.getInt(1) >= 1);
    }
  }

  static String dumpAllTables(DataSource ds) throws SQLException {
    StringBuilder out = new StringBuilder();
    try (Connection c = ds.getConnection()) {
      DatabaseMetaData md = c.getMetaData();
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = md.getTables(null, null, "%", new String[] {"TABLE"})) {
        while (rs.next()) {
          tables.add(rs.getString("TABLE_NAME"));
        }
      }
      assertTrue(tables.contains("auth_identity"), tables.toString());
      for (String table : tables) {
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("select * from " + table)) {
          ResultSetMetaData meta = rs.getMetaData();
          while (rs.next()) {
            for (int i = 1; i <= meta.getColumnCount(); i++) {
              out.append(rs.getString(i)).append('|');
            }
            out.append('\n');
          }
        }
      }
    }
    return out.toString();
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void assignsManyKeysInOneTransactionAndLeavesOtherOperatorsKeysAlone(Dialect dialect) {
    try (IdentityStore store = IdentityStore.open(TestDatabases.fresh(dialect), dialect)) {
      store.createOperator(OperatorId.of("a"));
      store.createOperator(OperatorId.of("b"));
      List<BlsPublicKey> keys = new ArrayList<>();
      for (int i = 0; i < 2_000; i++) {
        byte[] bytes = new byte[48];
        bytes[0] = (byte) 0x80;
        bytes[46] = (byte) (i >> 8);
        bytes[47] = (byte) i;
        keys.add(BlsPublicKey.wrap(bytes));
      }
      store.assignKey(keys.get(7), OperatorId.of("b"));

      List<BlsPublicKey> elsewhere = store.assignUnownedKeys(keys, OperatorId.of("a"));

      assertEquals(List.of(keys.get(7)), elsewhere);
      assertEquals(1_999, store.keysOf(OperatorId.of("a")).size());
      assertEquals(Optional.of(OperatorId.of("b")), store.ownerOf(keys.get(7)));
      assertEquals(List.of(keys.get(7)), store.assignUnownedKeys(keys, OperatorId.of("a")), "idempotent");
      assertEquals(1_999, store.keysOf(OperatorId.of("a")).size());
    }
  }
}
