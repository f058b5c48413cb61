package dev.palisade.server.console;

import java.util.List;

/**
 * What each console page shows, as plain values: the templates under {@code src/main/jte} only
 * print these (escaped), they never call into the node. A section the caller's scopes do not allow
 * carries the refusal's message instead of its rows ({@code denied} non-null).
 */
public final class Views {
  private Views() {}

  /** What every page shows around its content. */
  public record Frame(String title, String active, String identity, String operator, String scopes, String csrf) {}

  public record Login(String loginCsrf, boolean tls, String message) {}

  public record Failure(Frame frame, int status, String message) {}

  /** One audit row, as {@code GET /admin/v1/audit} answers it. */
  public record AuditRow(long seq, String time, String decision, String identity, String operator, String key,
      String type, String slot, String epoch, String reason) {}

  /** Signatures and refusals of one signing type. */
  public record TypeCounts(String type, int signed, int refused) {}

  public record Health(String id, boolean up) {}

  public record Overview(Frame frame, String keysDenied, int keys, int readOnly, int managed,
      String auditDenied, List<TypeCounts> lastHour, String lastHourNote, String latencySvg, List<Health> health,
      String approvalsDenied, int pendingApprovals) {}

  /**
   * One key: {@code id} is a BLS public key or an EIP-55 address; {@code state} the slashing store's
   * enabled flag ("—" where it does not apply or is unknown); watermarks null when none is recorded;
   * {@code lastSigned}: the newest signature in the audit rows read (type and slot or epoch), or null.
   */
  public record Key(String id, String operator, String type, String state, String management, String derivationPath,
      String blockSlot, String attestationSource, String attestationTarget, String lastSigned, int refusalsLastDay) {}

  /** One page of keys ({@code page} of {@code pages}, 1-based; {@code total} keys in all). */
  public record Keys(Frame frame, String denied, List<Key> keys, String refusalsDenied, String watermarksDenied,
      int page, int pages, int total) {}

  public record Refusals(Frame frame, String denied, List<AuditRow> rows) {}

  public record Audit(Frame frame, String denied, List<AuditRow> rows, boolean intact, long rowsChecked) {}

  public record IdentityRow(String name, String type, String scopes, String status, List<String> keys) {}

  /** {@code secret}: a new token or basic secret, shown once on the answer to its creation. */
  public record Identities(Frame frame, String denied, List<IdentityRow> identities, String created,
      String secret, String message) {}

  public record Approval(String id, String type, String key, String summary, String requester, String status,
      long approvals, long required, String expiresAt) {}

  /** One line of a diff between a policy version and the one before it: same, added or removed. */
  public record DiffLine(String kind, String text) {}

  /** {@code diff}: against the previous version (empty for the first). */
  public record PolicyVersion(long version, String createdAt, String createdBy, String document, List<DiffLine> diff) {}

  public record Policies(Frame frame, String scope, String id, String denied,
      List<PolicyVersion> versions) {}

  /** {@code totp}: the session's identity has confirmed a TOTP second factor, so each vote asks for a code. */
  public record Approvals(Frame frame, String denied, List<Approval> approvals, String message, boolean totp) {}
}
