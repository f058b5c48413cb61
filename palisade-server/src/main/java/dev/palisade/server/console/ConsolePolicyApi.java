package dev.palisade.server.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.palisade.auth.Identity;
import dev.palisade.server.signing.SigningException;

/**
 * What the approvals and policies pages need from the policy engine's admin API, with the same
 * signatures as {@code PolicyAdminApi} on branch {@code policy}, so the console reads exactly what
 * {@code GET /admin/v1/approvals} and {@code GET /admin/v1/policies/{scope}/{id}/history} answer.
 * Implementations check scope and operator (they are the admin API). After the policy merge, in
 * {@code PalisadeServer}: {@code ConsolePolicyApi.of(services.policyAdmin()::listApprovals,
 * services.policyAdmin()::vote, services.policyAdmin()::history)}.
 */
public interface ConsolePolicyApi {
  /** Approvals as {@code GET /admin/v1/approvals} lists them (JSON objects with id, key, type, ...). */
  ArrayNode listApprovals(Identity caller, boolean openOnly);

  /** As {@code POST /admin/v1/approvals/{id}/approve|deny}. */
  JsonNode vote(Identity caller, String id, boolean approve);

  /** A target's policy versions, newest first (objects with version, created_at, created_by, document). */
  ArrayNode history(Identity caller, String scope, String id);

  /** False when no policy engine is wired in: the pages say so instead of showing empty lists. */
  default boolean installed() {
    return true;
  }

  @FunctionalInterface
  interface Lister {
    ArrayNode listApprovals(Identity caller, boolean openOnly);
  }

  @FunctionalInterface
  interface Voter {
    JsonNode vote(Identity caller, String id, boolean approve);
  }

  @FunctionalInterface
  interface History {
    ArrayNode history(Identity caller, String scope, String id);
  }

  static ConsolePolicyApi of(Lister lister, Voter voter, History history) {
    return new ConsolePolicyApi() {
      @Override
      public ArrayNode listApprovals(Identity caller, boolean openOnly) {
        return lister.listApprovals(caller, openOnly);
      }

      @Override
      public JsonNode vote(Identity caller, String id, boolean approve) {
        return voter.vote(caller, id, approve);
      }

      @Override
      public ArrayNode history(Identity caller, String scope, String id) {
        return history.history(caller, scope, id);
      }
    };
  }

  /** No policy engine on this node: nothing is pending, there are no policies, nothing can be voted on. */
  static ConsolePolicyApi notInstalled() {
    ArrayNode none = JsonNodeFactory.instance.arrayNode();
    return new ConsolePolicyApi() {
      @Override
      public ArrayNode listApprovals(Identity caller, boolean openOnly) {
        return none.deepCopy();
      }

      @Override
      public JsonNode vote(Identity caller, String id, boolean approve) {
        throw new SigningException.NotFound("no approval " + id + " (this node has no policy engine)");
      }

      @Override
      public ArrayNode history(Identity caller, String scope, String id) {
        return none.deepCopy();
      }

      @Override
      public boolean installed() {
        return false;
      }
    };
  }
}
