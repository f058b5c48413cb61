package dev.palisade.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * {@code --logging} and {@code --log-format} for the long-running commands ({@code run}, {@code
 * vault}): Logback's root level, and plain lines or one JSON object per line (Logback's own
 * JsonEncoder) on stderr.
 */
final class LoggingOptions {
  enum Format { TEXT, JSON }

  @Option(
      names = "--logging",
      defaultValue = "INFO",
      paramLabel = "LEVEL",
      description = "Log level: OFF, ERROR, WARN, INFO, DEBUG, TRACE or ALL. Default: ${DEFAULT-VALUE}")
  String level;

  @Option(
      names = "--log-format",
      defaultValue = "text",
      paramLabel = "FORMAT",
      description = "text (one line per event) or json (one JSON object per line). Default: ${DEFAULT-VALUE}")
  Format format;

  /** Applies the options to Logback's root logger and its stderr appender. */
  void apply() {
    Level parsed = Level.toLevel(level, null);
    if (parsed == null) {
      throw new IllegalArgumentException(
          "--logging " + level + ": expected one of OFF, ERROR, WARN, INFO, DEBUG, TRACE, ALL");
    }
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return; // another SLF4J backend (tests): nothing to configure
    }
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(parsed);
    if (format == Format.JSON
        && root.getAppender("STDERR") instanceof ConsoleAppender<ILoggingEvent> console) {
      JsonEncoder json = new JsonEncoder();
      json.setContext(context);
      json.start();
      console.stop();
      console.setEncoder(json);
      console.start();
    }
  }
}
