package dev.palisade.server.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.palisade.auth.Identity;
import dev.palisade.server.signing.SigningException;

/**
 * What the approvals page needs from the policy engine's admin API, with the same signatures as
 * {@code PolicyAdminApi} on branch {@code policy} ({@code listApprovals(caller, openOnly)}, {@code
 * vote(caller, id, approve)}), so that wiring it after the merge is one line and the console reads
 * exactly what {@code GET /admin/v1/approvals} answers. Implementations check scope and operator
 * (they are the admin API).
 */
public interface ConsoleApprovals {
  /** Approvals as {@code GET /admin/v1/approvals} lists them (JSON objects with id, key, type, ...). */
  ArrayNode listApprovals(Identity caller, boolean openOnly);

  /** As {@code POST /admin/v1/approvals/{id}/approve|deny}. */
  JsonNode vote(Identity caller, String id, boolean approve);

  /** False when no policy engine is wired in: the page says so instead of showing an empty list. */
  default boolean installed() {
    return true;
  }

  /** No policy engine on this node: nothing is pending and nothing can be voted on. */
  static ConsoleApprovals notInstalled() {
    return new ConsoleApprovals() {
      @Override
      public ArrayNode listApprovals(Identity caller, boolean openOnly) {
        return JsonNodeFactory.instance.arrayNode();
      }

      @Override
      public JsonNode vote(Identity caller, String id, boolean approve) {
        throw new SigningException.NotFound("no approval " + id + " (this node has no policy engine)");
      }

      @Override
      public boolean installed() {
        return false;
      }
    };
  }
}
