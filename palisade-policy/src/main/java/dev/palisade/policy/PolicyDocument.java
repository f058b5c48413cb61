package dev.palisade.policy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parsed policy document: its text exactly as it was set (YAML or JSON, which is YAML too) and its
 * rules. The schema: {@code rules:} a mapping from rule type name to that type's section.
 */
public record PolicyDocument(String text, List<Rule> rules) {
  // a repeated key must be an error, not "the last one wins": it could hide a rule from a reviewer
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory()).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  /** Generous for any real policy, small enough that a document cannot exhaust memory. */
  public static final int MAX_BYTES = 64 * 1024;

  public PolicyDocument {
    rules = List.copyOf(rules);
  }

  public static PolicyDocument parse(String text, RuleRegistry registry) {
    if (text.length() > MAX_BYTES) {
      throw new InvalidPolicyException(null, "a policy document is at most " + MAX_BYTES + " bytes");
    }
    JsonNode root;
    try {
      root = text.isBlank() ? YAML.createObjectNode() : YAML.readTree(text);
    } catch (JsonProcessingException e) {
      // the parser's location only: its message may quote the input
      throw new InvalidPolicyException(null, "not valid YAML or JSON (line "
          + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()) + ")");
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      root = YAML.createObjectNode();
    }
    Fields.onlyKnown(root, "policy", Set.of("rules", "description"));
    JsonNode sections = root.get("rules");
    List<Rule> rules = new ArrayList<>();
    if (sections != null && !sections.isNull()) {
      Fields.requireObject(sections, "rules");
      for (Iterator<Map.Entry<String, JsonNode>> it = sections.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> section = it.next();
        RuleType type = registry.find(section.getKey()).orElseThrow(() -> new InvalidPolicyException(
            "rules." + section.getKey(), "unknown rule type '" + Names.printable(section.getKey())
                + "'; known types are: " + String.join(", ", registry.names())));
        rules.addAll(type.parse(section.getValue(), "rules." + section.getKey()));
      }
    }
    return new PolicyDocument(text, rules);
  }

  public boolean isEmpty() {
    return rules.isEmpty();
  }
}
