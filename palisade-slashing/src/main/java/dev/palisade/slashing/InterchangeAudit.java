package dev.palisade.slashing;

import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.Bytes32;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What an interchange import would do, told before it is done: how many records are new and how
 * many the database already holds, and every slashable pair the file contains — within itself, or
 * against the database's history. EIP-3076 lets a store import such a history (it only raises
 * watermarks), but an operator who imports one has lost track of a key somewhere and must know.
 */
public final class InterchangeAudit {
  private InterchangeAudit() {}

  /** One slashable pair: a double proposal, a double vote or a surround vote. */
  public record SlashablePair(BlsPublicKey key, String kind, String first, String second, boolean withDatabase) {
    @Override
    public String toString() {
      return kind + " of " + key + ": " + first + " and " + second + (withDatabase ? " (the database's)" : "");
    }
  }

  public record Report(int records, int alreadyPresent, List<SlashablePair> conflicts) {
    public int added() {
      return records - alreadyPresent;
    }
  }

  /** The public keys an interchange document names (it must parse). */
  public static List<BlsPublicKey> keys(byte[] interchange) throws InterchangeException {
    return InterchangeCodec.parse(new ByteArrayInputStream(interchange)).data().stream()
        .map(Interchange.ValidatorHistory::pubkey).distinct().toList();
  }

  /**
   * Compares the document to import with the database's history of the same keys (an export; null
   * when the database holds none yet).
   *
   * @throws InterchangeException if either does not parse
   */
  public static Report compare(byte[] incoming, byte[] database) throws InterchangeException {
    Map<BlsPublicKey, Interchange.ValidatorHistory> existing = new HashMap<>();
    if (database != null) {
      InterchangeCodec.parse(new ByteArrayInputStream(database)).data().forEach(v -> existing.put(v.pubkey(), v));
    }
    int records = 0;
    int present = 0;
    List<SlashablePair> conflicts = new ArrayList<>();
    for (Interchange.ValidatorHistory history : InterchangeCodec.parse(new ByteArrayInputStream(incoming)).data()) {
      Interchange.ValidatorHistory stored = existing.get(history.pubkey());
      List<SignedBlock> storedBlocks = stored == null ? List.of() : stored.signedBlocks();
      List<SignedAttestation> storedAttestations = stored == null ? List.of() : stored.signedAttestations();
      Set<SignedBlock> knownBlocks = new HashSet<>(storedBlocks);
      Set<SignedAttestation> knownAttestations = new HashSet<>(storedAttestations);
      List<SignedBlock> blocks = history.signedBlocks();
      List<SignedAttestation> attestations = history.signedAttestations();
      records += blocks.size() + attestations.size();
      present += (int) blocks.stream().filter(knownBlocks::contains).count();
      present += (int) attestations.stream().filter(knownAttestations::contains).count();
      for (int i = 0; i < blocks.size(); i++) {
        for (int j = i + 1; j < blocks.size(); j++) {
          blockPair(history.pubkey(), blocks.get(i), blocks.get(j), false, conflicts);
        }
        for (SignedBlock other : storedBlocks) {
          blockPair(history.pubkey(), blocks.get(i), other, true, conflicts);
        }
      }
      for (int i = 0; i < attestations.size(); i++) {
        for (int j = i + 1; j < attestations.size(); j++) {
          attestationPair(history.pubkey(), attestations.get(i), attestations.get(j), false, conflicts);
        }
        for (SignedAttestation other : storedAttestations) {
          attestationPair(history.pubkey(), attestations.get(i), other, true, conflicts);
        }
      }
    }
    return new Report(records, present, conflicts);
  }

  /** Same slot, two known and different signing roots. */
  private static void blockPair(
      BlsPublicKey key, SignedBlock a, SignedBlock b, boolean withDatabase, List<SlashablePair> out) {
    if (a.slot() == b.slot() && differ(a.signingRoot(), b.signingRoot())) {
      out.add(new SlashablePair(key, "double proposal", a.toString(), b.toString(), withDatabase));
    }
  }

  private static void attestationPair(
      BlsPublicKey key, SignedAttestation a, SignedAttestation b, boolean withDatabase, List<SlashablePair> out) {
    String kind = null;
    if (a.targetEpoch() == b.targetEpoch() && differ(a.signingRoot(), b.signingRoot())) {
      kind = "double vote";
    } else if (surrounds(a, b) || surrounds(b, a)) {
      kind = "surround vote";
    }
    if (kind != null) {
      out.add(new SlashablePair(key, kind, a.toString(), b.toString(), withDatabase));
    }
  }

  private static boolean surrounds(SignedAttestation outer, SignedAttestation inner) {
    return Long.compareUnsigned(outer.sourceEpoch(), inner.sourceEpoch()) < 0
        && Long.compareUnsigned(inner.targetEpoch(), outer.targetEpoch()) < 0;
  }

  /** Only two known roots can prove a conflict: a missing root (optional in EIP-3076) proves nothing. */
  private static boolean differ(Bytes32 a, Bytes32 b) {
    return a != null && b != null && !Objects.equals(a, b);
  }
}
