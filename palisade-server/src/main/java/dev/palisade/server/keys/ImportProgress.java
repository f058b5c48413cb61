package dev.palisade.server.keys;

/** How far an import is, for a progress bar: files finished out of total, and the current rate. */
public record ImportProgress(int done, int total, double keysPerSecond) {

  @FunctionalInterface
  public interface Listener {
    /** Called after each file, from one thread at a time, with {@code done} increasing. */
    void onProgress(ImportProgress progress);

    Listener NONE = progress -> {};
  }
}
