package dev.palisade.slashing;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;

/**
 * The connection a {@link TransactionHook} sees: the writer's connection inside its open
 * transaction. It reports auto-commit off (on SQLite the transaction is an explicit {@code BEGIN
 * IMMEDIATE} on a connection the driver considers in auto-commit mode), refuses to end the
 * transaction, and counts each statement execution as a round trip.
 */
final class HookConnection {
  private static final Set<String> REFUSED =
      Set.of("commit", "rollback", "setAutoCommit", "close", "abort", "setTransactionIsolation");
  private static final Set<String> EXECUTIONS =
      Set.of(
          "execute",
          "executeQuery",
          "executeUpdate",
          "executeLargeUpdate",
          "executeBatch",
          "executeLargeBatch");

  private HookConnection() {}

  static Connection wrap(Connection target, Counters counters) {
    InvocationHandler handler =
        (proxy, method, args) -> {
          String name = method.getName();
          if (name.equals("getAutoCommit") && method.getParameterCount() == 0) {
            return false;
          }
          if (REFUSED.contains(name)) {
            throw new SQLException(
                "a transaction hook must not call " + name + ": the slashing store ends the transaction");
          }
          Object result = invoke(target, method, args);
          if (result instanceof Statement statement
              && (name.equals("createStatement")
                  || name.equals("prepareStatement")
                  || name.equals("prepareCall"))) {
            return counting(statement, method.getReturnType(), counters);
          }
          return result;
        };
    return (Connection)
        Proxy.newProxyInstance(
            HookConnection.class.getClassLoader(), new Class<?>[] {Connection.class}, handler);
  }

  private static Object counting(Statement statement, Class<?> type, Counters counters) {
    Class<?> iface =
        type == CallableStatement.class
            ? CallableStatement.class
            : type == PreparedStatement.class ? PreparedStatement.class : Statement.class;
    InvocationHandler handler =
        (proxy, method, args) -> {
          if (EXECUTIONS.contains(method.getName())) {
            counters.roundTrips.incrementAndGet();
          }
          return invoke(statement, method, args);
        };
    return Proxy.newProxyInstance(
        HookConnection.class.getClassLoader(), new Class<?>[] {iface}, handler);
  }

  private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
