package dev.palisade.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteGateTest {
  @TempDir Path data;

  @Test
  void anSqliteDatabaseLetsOneWriterThroughAtATime() throws Exception {
    try (Database database = Database.open(DatabaseConfig.sqlite(data))) {
      WriteGate gate = database.writeGate();
      gate.enter();
      CountDownLatch entered = new CountDownLatch(1);
      Thread second = new Thread(() -> {
        gate.enter();
        entered.countDown();
        gate.leave();
      });
      second.start();
      assertFalse(entered.await(200, TimeUnit.MILLISECONDS), "a second writer waits while the first is in");
      gate.leave();
      assertTrue(entered.await(10, TimeUnit.SECONDS), "and goes in once the first leaves");
      second.join();
    }
  }

  @Test
  void leavingWithoutATurnChangesNothingAndAnOpenGateNeverWaits() throws Exception {
    WriteGate gate = WriteGate.oneAtATime();
    gate.leave(); // a failure path may leave twice
    gate.enter();
    gate.leave();
    gate.leave();
    WriteGate open = WriteGate.none();
    open.enter();
    CountDownLatch entered = new CountDownLatch(1);
    new Thread(() -> {
      open.enter();
      entered.countDown();
    }).start();
    assertTrue(entered.await(10, TimeUnit.SECONDS));
    Thread other = new Thread(gate::enter);
    other.start();
    other.join(10_000);
    assertFalse(other.isAlive(), "the gate was left free");
  }
}
