package dev.palisade.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A kind of rule, by the name of its section under {@code rules:} in a policy document. New kinds
 * (the EVM rules) register here; the engine never changes for them.
 */
public interface RuleType {
  String name();

  /** Parses the section; throws {@link InvalidPolicyException} naming the field at {@code path}. */
  List<Rule> parse(JsonNode section, String path);
}
