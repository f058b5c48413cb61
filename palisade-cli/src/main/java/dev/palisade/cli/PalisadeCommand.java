package dev.palisade.cli;

import picocli.CommandLine.Command;

@Command(
    name = "palisade",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Palisade: a remote signer and key manager for Ethereum proof-of-stake validators.",
      "Speaks the Web3Signer eth2 API; refuses anything slashable (EIP-3076)."
    },
    subcommands = {
      RunCommand.class,
      SlashingCommand.class,
      AccessCommands.OperatorCommand.class,
      AccessCommands.IdentityCommand.class,
      AccessCommands.AuditCommand.class,
      PolicyCommands.class,
      ApprovalCommands.class,
      VaultCommand.class,
      KeysCommands.KeysCommand.class, KeysCommands.KekCommand.class
    },
    footer = {
      "",
      "Every option can also come from an environment variable PALISADE_<OPTION> (for example",
      "PALISADE_HTTP_LISTEN_PORT=9000) or from a YAML file given with --config-file or",
      "PALISADE_CONFIG_FILE, whose keys are option names without dashes (http-listen-port: 9000).",
      "Precedence: command line, then environment, then config file, then defaults."
    })
public final class PalisadeCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
