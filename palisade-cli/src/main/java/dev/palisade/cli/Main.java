package dev.palisade.cli;

import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;

/** Entry point of the {@code palisade} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(execute(args, System.getenv()));
  }

  /** Runs the command line with the given environment; returns the exit code. */
  public static int execute(String[] args, Map<String, String> environment) {
    Path configFile = ConfigDefaults.findConfigFile(args, environment);
    CommandLine commandLine = new CommandLine(new PalisadeCommand());
    try {
      ConfigDefaults defaults = ConfigDefaults.load(configFile, environment);
      StrictConfig.check(commandLine, defaults.fileKeys(), environment);
      commandLine.setDefaultValueProvider(defaults);
    } catch (IllegalArgumentException e) {
      commandLine.getErr().println("palisade: " + e.getMessage());
      return 2;
    }
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.setExecutionExceptionHandler(
        (exception, cmd, parseResult) -> {
          // Operator errors (bad paths, unreachable DB): one clear line, no stack trace.
          cmd.getErr().println("palisade: " + exception.getMessage());
          return 1;
        });
    return commandLine.execute(args);
  }
}
