package dev.palisade.auth;

import dev.palisade.store.Dialect;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Secrets never show up in toString, refusals, exceptions or logs. */
class SecretHygieneTest {

  @Test
  void secretsStayOutOfStringsAndLogs() {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    String token;
    String password;
    StringBuilder strings = new StringBuilder();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try (IdentityStore store = IdentityStore.open(TestDatabases.sqlite(), Dialect.SQLITE)) {
      store.createOperator(OperatorId.of("op-a"));
      CreatedIdentity t = store.createIdentity(
          NewIdentity.of("tok", "op-a", new Credential.BearerToken(), "validate"));
      CreatedIdentity b = store.createIdentity(
          NewIdentity.of("bas", "op-a", new Credential.BasicSecret(), "validate"));
      token = t.secret().orElseThrow().reveal();
      password = b.secret().orElseThrow().reveal();
      strings.append(t).append(b).append(t.secret().get()).append(store.listIdentities());

      Authenticator authenticator = new Authenticator(store);
      String basic = "Basic " + Base64.getEncoder().encodeToString(
          ("bas:" + password).getBytes(StandardCharsets.UTF_8));
      for (String header : new String[] {"Bearer " + token, basic, "Bearer " + token + "x",
          "Basic " + Base64.getEncoder().encodeToString(("nobody:" + password).getBytes())}) {
        PresentedCredentials p = PresentedCredentials.of(null, header, "10.0.0.1");
        strings.append(p).append(authenticator.authenticate(p));
      }
      try {
        store.createIdentity(NewIdentity.of("tok", "op-a", new Credential.BearerToken(), "validate"));
      } catch (AuthConflictException e) {
        strings.append(e.getMessage());
      }
      store.revokeIdentity(IdentityId.of("tok"));
    } finally {
      System.setErr(original);
    }
    String logs = captured.toString(StandardCharsets.UTF_8);
    assertTrue(logs.contains("created token identity tok"), "the log capture works: " + logs);
    for (String secret : new String[] {token, password, token.substring(4), password.substring(4)}) {
      assertFalse(logs.contains(secret), "secret in logs");
      assertFalse(strings.toString().contains(secret), "secret in a toString or message");
    }
    assertTrue(strings.toString().contains("Secret[redacted]"));
  }
}
