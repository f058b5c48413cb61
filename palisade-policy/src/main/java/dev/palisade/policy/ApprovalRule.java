package dev.palisade.policy;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A rule that holds messages of {@code signingType} for approval, and says whether its approvers must
 * vote with a TOTP code ({@code totp: required}). The vote path asks {@link ApproverPolicy}, which
 * reads this flag from the documents in force, so the engine and the approval rows stay as they are.
 */
public record ApprovalRule(String signingType, boolean totpRequired, Rule rule) implements Rule {
  @Override
  public RuleOutcome check(PolicyRequest request) {
    return rule.check(request);
  }

  /** {@code totp}: {@code required} or {@code optional} (the default). */
  public static boolean totpRequired(JsonNode section, String path) {
    String value = Fields.text(section, "totp", path).orElse("optional");
    return switch (value) {
      case "required" -> true;
      case "optional" -> false;
      default -> throw new InvalidPolicyException(path + ".totp", path + ".totp must be required or optional");
    };
  }
}
