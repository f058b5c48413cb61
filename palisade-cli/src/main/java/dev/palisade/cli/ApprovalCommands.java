package dev.palisade.cli;

import dev.palisade.auth.Identity;
import dev.palisade.auth.IdentityId;
import dev.palisade.auth.OperatorId;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.policy.Approval;
import dev.palisade.policy.ApproverPolicy;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code palisade approval list|show|approve|deny}: requests a policy holds for approval. Votes are
 * cast as a named identity, under the same rules as the admin API (scope approve, same operator, not
 * the requester), and audited as that identity via the local CLI user.
 */
@Command(
    name = "approval",
    mixinStandardHelpOptions = true,
    description = "Approvals: requests (exits under a two-person rule) waiting for other identities' approval.",
    subcommands = {ApprovalCommands.ListApprovals.class, ApprovalCommands.Show.class, ApprovalCommands.Approve.class,
        ApprovalCommands.Deny.class, ApprovalCommands.Grant.class})
final class ApprovalCommands implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static void print(PrintWriter out, Approval approval) {
    out.println(approval.id() + "  " + approval.displayStatus(Instant.now()) + "  " + approval.approvals() + "/"
        + approval.required() + "  operator " + approval.operator() + "  requester " + approval.requester()
        + "  " + approval.signingType() + "  " + approval.summary() + "  expires " + approval.expiresAt());
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List open approvals (--all: every one).")
  static final class ListApprovals implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOptions store;

    @Option(names = "--config-file", description = "YAML file of option values")
    Path configFile;

    @Option(names = "--operator", description = "only this operator's (default: every operator's)")
    String operator;

    @Option(names = "--all", description = "include approved, consumed, denied and expired ones")
    boolean all;

    @Override
    public Integer call() {
      try (PolicyStores stores = PolicyStores.open(store)) {
        OperatorId only = operator == null ? OperatorId.ROOT : OperatorId.of(operator);
        stores.engine().approvals().list(only, !all).forEach(a -> print(spec.commandLine().getOut(), a));
      }
      return 0;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one approval and its votes.")
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOptions store;

    @Option(names = "--config-file", description = "YAML file of option values")
    Path configFile;

    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
      try (PolicyStores stores = PolicyStores.open(store)) {
        Approval approval = stores.engine().approvals().find(id)
            .orElseThrow(() -> new IllegalArgumentException("no approval " + id));
        PrintWriter out = spec.commandLine().getOut();
        print(out, approval);
        out.println("key " + approval.key() + "  signing root " + approval.signingRoot().map(Object::toString).orElse("* (any, pre-approval)")
            + "  policy v" + approval.policyVersion());
        approval.votes().forEach(vote -> out.println("  " + (vote.approve() ? "approved" : "denied") + " by "
            + vote.approver() + " at " + vote.at()));
      }
      return 0;
    }
  }

  /** approve and deny: one vote, as the identity named with --as. */
  abstract static class Vote implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOptions store;

    @Option(names = "--config-file", description = "YAML file of option values")
    Path configFile;

    @Option(names = "--as", required = true, description = "the approver identity (scope approve, same operator)")
    String approver;

    @Parameters(paramLabel = "ID")
    String id;

    @Mixin KekOptions kek;

    @Option(names = "--totp", description = "The approver's TOTP code, when it has enrolled one (asked for when omitted)")
    String totpCode;

    abstract boolean approve();

    @Override
    public Integer call() {
      try (PolicyStores stores = PolicyStores.open(store)) {
        Identity identity = stores.identities().findIdentity(IdentityId.of(approver))
            .filter(found -> !found.isRevoked())
            .orElseThrow(() -> new IllegalArgumentException("no active identity named " + approver));
        stores.checkTotp(store, kek, identity, totpCode,
            new ApproverPolicy(stores.engine()).totpRequiredToVote(identity.operator(), id));
        Approval after = stores.engine().approvals().vote(identity, id, approve());
        print(spec.commandLine().getOut(), after);
      }
      return 0;
    }
  }

  @Command(name = "grant", mixinStandardHelpOptions = true,
      description = "Pre-approve one signature of --type with --key until --until; other approvers then approve it by id.")
  static final class Grant implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOptions store;

    @Option(names = "--config-file", description = "YAML file of option values")
    Path configFile;

    @Option(names = "--as", required = true, description = "the approver identity (scope approve)")
    String approver;

    @Option(names = "--key", required = true, description = "The BLS public key (0x…) the pre-approval is for")
    String key;

    @Option(names = "--type", defaultValue = "VOLUNTARY_EXIT", description = "The Web3Signer signing type pre-approved. Default: ${DEFAULT-VALUE}")
    String type;

    @Option(names = "--until", required = true, description = "ISO-8601 time, at most 90 days ahead")
    Instant until;

    @Option(names = "--approvals", defaultValue = "2", description = "approvals needed, this one included. Default: ${DEFAULT-VALUE}")
    int approvals;

    @Mixin KekOptions kek;

    @Option(names = "--totp", description = "The approver's TOTP code, when it has enrolled one (asked for when omitted)")
    String totpCode;

    @Override
    public Integer call() {
      try (PolicyStores stores = PolicyStores.open(store)) {
        Identity identity = stores.identities().findIdentity(IdentityId.of(approver))
            .filter(found -> !found.isRevoked())
            .orElseThrow(() -> new IllegalArgumentException("no active identity named " + approver));
        BlsPublicKey pubkey = BlsPublicKey.fromHex(key);
        if (!stores.identities().ownerOf(pubkey).map(identity.operator()::equals).orElse(false)) {
          throw new IllegalArgumentException("key " + pubkey.toHex() + " does not belong to operator " + identity.operator());
        }
        stores.checkTotp(store, kek, identity, totpCode, // the grantor's vote is the first
            new ApproverPolicy(stores.engine()).totpRequiredToGrant(identity.operator(), pubkey, type));
        print(spec.commandLine().getOut(), stores.engine().approvals().grantAhead(identity, pubkey, type, approvals, until));
      }
      return 0;
    }
  }

  @Command(name = "approve", mixinStandardHelpOptions = true, description = "Approve a request.")
  static final class Approve extends Vote {
    @Override
    boolean approve() {
      return true;
    }
  }

  @Command(name = "deny", mixinStandardHelpOptions = true, description = "Deny a request (one deny closes it).")
  static final class Deny extends Vote {
    @Override
    boolean approve() {
      return false;
    }
  }
}
