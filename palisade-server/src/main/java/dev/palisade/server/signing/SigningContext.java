package dev.palisade.server.signing;

import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.signing.SigningRequest;

/** What a policy sees: the key, the typed message and the signing root recomputed from it. */
public record SigningContext(BlsPublicKey key, SigningRequest request, Bytes32 signingRoot) {}
