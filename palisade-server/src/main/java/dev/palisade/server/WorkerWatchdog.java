package dev.palisade.server;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node whose background workers died must not look healthy: the slashing writers, audit writer
 * and identity refresh once all died of OutOfMemoryError while {@code /healthcheck} said UP and
 * every request got 503. The first time a critical worker dies (an uncaught throwable in a thread
 * named as one, or a watched thread found not alive), or any thread dies of a {@link
 * VirtualMachineError}, health turns DOWN and the process exits non-zero so a supervisor restarts
 * it. The exit is injectable so tests can observe it.
 */
public final class WorkerWatchdog implements HealthCheck, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerWatchdog.class);
  /** EX_SOFTWARE: an internal failure, distinct from a configuration error at start. */
  public static final int EXIT_CODE = 70;
  /** Threads whose death leaves the node unable to sign or audit. */
  static final List<String> CRITICAL_THREAD_PREFIXES =
      List.of("palisade-audit-writer", "slashing-writer-", "palisade-auth-refresh", "slashing-health");

  private static final Set<WorkerWatchdog> ACTIVE = ConcurrentHashMap.newKeySet();
  private static volatile Thread.UncaughtExceptionHandler previous;
  private static boolean installed;

  private final IntConsumer exit;
  private final List<Map.Entry<String, BooleanSupplier>> watched = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService poller;
  private volatile String failure;

  private WorkerWatchdog(IntConsumer exit) {
    this.exit = exit;
    this.poller =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "palisade-watchdog");
              t.setDaemon(true);
              return t;
            });
    poller.scheduleWithFixedDelay(this::pollWatched, 1, 1, TimeUnit.SECONDS);
  }

  /** Starts watching; {@code exit} is called once, with {@link #EXIT_CODE}, on the first failure. */
  public static WorkerWatchdog start(IntConsumer exit) {
    installHandler();
    WorkerWatchdog watchdog = new WorkerWatchdog(exit);
    ACTIVE.add(watchdog);
    return watchdog;
  }

  /** Also fails when {@code alive} turns false: a worker that ended without throwing. */
  public void watch(String name, BooleanSupplier alive) {
    watched.add(Map.entry(name, alive));
  }

  /** The production exit: shutdown hooks get 15 s (they may wait on the dead worker), then halt. */
  public static void exitProcess(int code) {
    Thread halt = new Thread(() -> {
      try {
        Thread.sleep(15_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Runtime.getRuntime().halt(code);
    }, "palisade-halt");
    halt.setDaemon(true);
    halt.start();
    new Thread(() -> System.exit(code), "palisade-exit").start();
  }

  @Override
  public Result check() {
    String failed = failure;
    return failed == null
        ? Result.up("workers", Map.of())
        : Result.down("workers", Map.of("failed", failed));
  }

  /** Marks the node DOWN and exits, once. {@code what} names the worker and the throwable's class only. */
  void fail(String what) {
    synchronized (this) {
      if (failure != null) {
        return;
      }
      failure = what;
    }
    LOG.error("{}: marking health DOWN and exiting with status {}", what, EXIT_CODE);
    exit.accept(EXIT_CODE);
  }

  private void pollWatched() {
    for (Map.Entry<String, BooleanSupplier> entry : watched) {
      if (!entry.getValue().getAsBoolean()) {
        fail(entry.getKey() + " stopped");
      }
    }
  }

  private static synchronized void installHandler() {
    if (installed) {
      return;
    }
    previous = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler(WorkerWatchdog::uncaught);
    installed = true;
  }

  /** For code that catches throwables: an OutOfMemoryError (any VirtualMachineError) is fatal wherever it is caught. */
  public static void ifFatal(Throwable error) {
    if (error instanceof VirtualMachineError) {
      LOG.error("fatal error in thread {}", Thread.currentThread().getName(), error);
      for (WorkerWatchdog watchdog : ACTIVE) {
        watchdog.fail("thread " + Thread.currentThread().getName() + " hit " + error.getClass().getName());
      }
    }
  }

  static void uncaught(Thread thread, Throwable error) {
    boolean critical =
        error instanceof VirtualMachineError
            || CRITICAL_THREAD_PREFIXES.stream().anyMatch(thread.getName()::startsWith);
    if (critical) {
      LOG.error("thread {} died", thread.getName(), error);
      for (WorkerWatchdog watchdog : ACTIVE) {
        watchdog.fail("thread " + thread.getName() + " died of " + error.getClass().getName());
      }
    }
    if (previous != null) {
      previous.uncaughtException(thread, error);
    } else if (!critical) {
      // what the JVM prints when there is no default handler
      System.err.print("Exception in thread \"" + thread.getName() + "\" ");
      error.printStackTrace(System.err);
    }
  }

  /** How many watchdogs a fatal error would reach (all of them: a thread names no node). */
  static int activeCount() {
    return ACTIVE.size();
  }

  @Override
  public void close() {
    ACTIVE.remove(this);
    poller.shutdownNow();
  }
}
