package dev.palisade.cli;

import dev.palisade.auth.AuditDecision;
import dev.palisade.auth.AuditEntry;
import dev.palisade.auth.Identity;
import dev.palisade.auth.IdentityId;
import dev.palisade.auth.PresentedCredentials;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.signing.SigningRequest;
import dev.palisade.eth2.signing.SigningRequestDecoder;
import dev.palisade.policy.Decision;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.palisade.evm.Address;
import dev.palisade.evm.EvmRequestBodies;
import dev.palisade.policy.PolicyRequest;
import dev.palisade.policy.PolicySubject;
import dev.palisade.policy.PolicyTarget;
import dev.palisade.policy.PolicyVersion;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code palisade policy set|show|history|test}: the versioned policy documents of operators, keys and identities. */
@Command(
    name = "policy",
    mixinStandardHelpOptions = true,
    description = "Policies attached to an operator, a key or an identity (YAML or JSON; see the README).",
    subcommands = {PolicyCommands.Set.class, PolicyCommands.Show.class, PolicyCommands.History.class,
        PolicyCommands.Test.class})
final class PolicyCommands implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** An IP literal, parsed without any name lookup. */
  static Optional<InetAddress> address(String source) {
    if (source == null) {
      return Optional.empty();
    }
    Optional<InetAddress> parsed = PresentedCredentials.of(null, null, source).remoteAddress();
    if (parsed.isEmpty()) {
      throw new IllegalArgumentException("--source must be an IP address, not '" + source + "'");
    }
    return parsed;
  }

  /** The target positional parameters shared by set, show and history. */
  static final class Target {
    @Parameters(index = "0", paramLabel = "SCOPE", description = "operator, key or identity")
    String scope;

    @Parameters(index = "1", paramLabel = "ID", description = "operator name, public key or identity name")
    String id;

    PolicyTarget target() {
      return PolicyTarget.of(scope, id);
    }
  }

  @Command(name = "set", mixinStandardHelpOptions = true,
      description = "Store FILE as the target's new policy version (an empty file removes its rules).")
  static final class Set implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOptions store;
    @Mixin Target target;

    @Option(names = "--config-file", description = "YAML file of option values")
    Path configFile;

    @Parameters(index = "2", paramLabel = "FILE", description = "the policy document (YAML or JSON)")
    Path file;

    @Override
    public Integer call() throws Exception {
      String text = Files.readString(file);
      try (PolicyStores stores = PolicyStores.open(store)) {
        PolicyVersion version = stores.engine().policies().set(target.target(), text, PolicyStores.cliUser());
        stores.audit().append(new AuditEntry(Instant.now(), PolicyStores.cliUser(), operatorOf(stores, version.target()),
            null, "POLICY_SET", null, null, AuditDecision.CHANGED,
            "policy v" + version.version() + " set for " + version.target() + " (by " + PolicyStores.cliUser() + ")"));
        spec.commandLine().getOut().println("Set policy v" + version.version() + " for " + version.target());
      }
      return 0;
    }

    private static String operatorOf(PolicyStores stores, PolicyTarget target) {
      return switch (target.scope()) {
        case OPERATOR -> target.id();
        case KEY -> (target.isEvmKey() ? new dev.palisade.auth.EvmKeyOwners(stores.identities()).ownerOf(target.id())
            : stores.identities().ownerOf(BlsPublicKey.fromHex(target.id()))).map(Object::toString).orElse(null);
        case IDENTITY -> stores.identities().findIdentity(IdentityId.of(target.id()))
            .map(identity -> identity.operator().value()).orElse(null);
      };
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Print the target's current policy.")
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOptions store;
    @Mixin Target target;

    @Option(names = "--config-file", description = "YAML file of option values")
    Path configFile;

    @Override
    public Integer call() {
      try (PolicyStores stores = PolicyStores.open(store)) {
        List<PolicyVersion> history = stores.engine().policies().history(target.target());
        if (history.isEmpty()) {
          spec.commandLine().getErr().println("palisade: no policy for " + target.target());
          return 1;
        }
        PolicyVersion current = history.get(0);
        spec.commandLine().getOut().println("# " + current.target() + " policy v" + current.version() + " set "
            + current.createdAt() + " by " + current.createdBy());
        spec.commandLine().getOut().println(current.text());
      }
      return 0;
    }
  }

  @Command(name = "history", mixinStandardHelpOptions = true, description = "List every version of the target's policy, newest first.")
  static final class History implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOptions store;
    @Mixin Target target;

    @Option(names = "--config-file", description = "YAML file of option values")
    Path configFile;

    @Option(names = "--documents", description = "print each version's document too")
    boolean documents;

    @Override
    public Integer call() {
      try (PolicyStores stores = PolicyStores.open(store)) {
        PrintWriter out = spec.commandLine().getOut();
        for (PolicyVersion version : stores.engine().policies().history(target.target())) {
          out.println("v" + version.version() + "  " + version.createdAt() + "  " + version.createdBy()
              + (version.text().isBlank() ? "  (empty: no rules)" : ""));
          if (documents) {
            out.println(version.text().indent(4));
          }
        }
      }
      return 0;
    }
  }

  @Command(name = "test", mixinStandardHelpOptions = true,
      description = {"Dry run: the decision the current policies give a request FILE, and the rule.",
          "FILE is a Web3Signer signing request for a BLS --key; for an EVM address as --key, the body the typed",
          "REST endpoint takes (/api/v1/evm/{address}/sign/<--evm-kind>).",
          "Records nothing. Exit code 0 when allowed, 3 when denied or held for approval."})
  static final class Test implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOptions store;

    @Option(names = "--config-file", description = "YAML file of option values")
    Path configFile;

    @Option(names = "--key", required = true, description = "the BLS public key or the EVM address to sign with")
    String key;

    @Option(names = "--evm-kind", defaultValue = "transaction",
        description = "for an EVM address: transaction (default), eip191, eip712 or raw")
    String evmKind;

    @Option(names = "--identity", required = true, description = "the identity that would ask")
    String identity;

    @Option(names = "--source", description = "the address the request would come from")
    String source;

    @Option(names = "--at", description = "the time of the request (ISO-8601); default now")
    Instant at;

    @Parameters(paramLabel = "FILE", description = "a Web3Signer signing request body, or an EVM REST body (JSON)")
    Path file;

    @Override
    public Integer call() throws Exception {
      byte[] body = Files.readAllBytes(file);
      try (PolicyStores stores = PolicyStores.open(store)) {
        Identity caller = stores.identities().findIdentity(IdentityId.of(identity))
            .orElseThrow(() -> new IllegalArgumentException("no identity named " + identity));
        PolicySubject subject;
        if (key.length() == 42) { // an EVM address (a BLS public key has 98 characters)
          Address account = Address.parse(key);
          subject = new PolicySubject.Evm(EvmRequestBodies.parse(evmKind, new ObjectMapper().readTree(body), account), account);
        } else {
          SigningRequest message = new SigningRequestDecoder().decode(body);
          subject = new PolicySubject.Validator(message, message.signingRoot(store.resolveNetwork()), BlsPublicKey.fromHex(key));
        }
        PolicyRequest request = new PolicyRequest(subject, caller.id(), caller.operator(), address(source),
            at == null ? Instant.now() : at);
        Decision decision = stores.engine().dryRun(request);
        PrintWriter out = spec.commandLine().getOut();
        String outcome = decision instanceof Decision.Allow ? "allow"
            : decision instanceof Decision.Deny ? "deny" : "approval_required";
        out.println("decision: " + outcome);
        out.println("rule: " + decision.rule());
        out.println("policy version: " + decision.version());
        if (decision instanceof Decision.Deny deny) {
          out.println("message: " + deny.message());
        } else if (decision instanceof Decision.NeedsApproval pending) {
          out.println("message: " + pending.message());
        }
        return decision instanceof Decision.Allow ? 0 : 3;
      }
    }
  }
}
