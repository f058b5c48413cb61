package dev.palisade.vault.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.palisade.crypto.SecretBytes;
import dev.palisade.crypto.Secp256k1SecretKey;
import dev.palisade.eth2.Hex;
import dev.palisade.evm.Address;
import dev.palisade.evm.EvmSignature;
import dev.palisade.evm.EvmSigningRequest;
import dev.palisade.evm.EvmTransaction;
import dev.palisade.evm.PersonalMessage;
import dev.palisade.evm.TransactionJson;
import dev.palisade.vault.InProcessVault;
import dev.palisade.vault.UnknownEvmKeyException;
import dev.palisade.vault.VaultSigning;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** EVM signing through the vault socket: the typed content crosses, the vault hashes it itself. */
class VaultServerEvmTest {
  // EIP-155's own example: key 0x46…46, nonce 9, 20 gwei, 21000 gas, to 0x35…35, 1 ether, chain 1.
  static final String EIP155_KEY = "0x" + "46".repeat(32);
  static final String EIP155_SIGNED = "0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83";
  // eip191-0 of palisade-evm's vectors: "hello".
  static final String EIP191_KEY = "0x492b2c520e4254cbde7cac9d43692621230ff23e9ce1460c9a54ff4691dd2d46";
  static final String EIP191_SIGNATURE = "0x575efa947e4bb88e9a264113357a326e0587d10d1d9ac18bc4ccb17edf8052de36d78386c6a0ee150d91fa0402b72e705a0105b731ef93c642f369b944c8e2541c";

  @TempDir Path dir;

  @Test
  void signsTypedEvmContentOverTheSocket() throws Exception {
    Path socket = dir.resolve("run").resolve("vault.sock");
    InProcessVault vault = new InProcessVault();
    Secp256k1SecretKey eip155 = Secp256k1SecretKey.fromBytes(SecretBytes.takeOwnership(Hex.decode(EIP155_KEY)));
    Secp256k1SecretKey eip191 = Secp256k1SecretKey.fromBytes(SecretBytes.takeOwnership(Hex.decode(EIP191_KEY)));
    Address txAccount = eip155.address();
    Address messageAccount = eip191.address();
    vault.evm().add(eip155);
    vault.evm().add(eip191);
    try (VaultServer server = VaultServer.start(socket, vault, VaultSigning.MAINNET, null, PeerCredentials.currentUser());
        RemoteVault remote = new RemoteVault(socket, 2, Duration.ofSeconds(10))) {
      assertEquals(Set.of(txAccount, messageAccount), remote.evmAddresses());
      EvmTransaction tx = TransactionJson.parse(new ObjectMapper().readTree("""
          {"type":"0x0","chainId":"0x1","nonce":"0x9","gasPrice":"0x4a817c800","gas":"0x5208",
           "to":"0x3535353535353535353535353535353535353535","value":"0xde0b6b3a7640000","input":"0x"}"""), "tx");
      EvmSignature signature = remote.signEvm(txAccount, new EvmSigningRequest.Transaction(tx));
      assertEquals(EIP155_SIGNED, Hex.encode(tx.signedEncoding(signature)));
      assertEquals(EIP191_SIGNATURE, remote.signEvm(messageAccount,
          new EvmSigningRequest.PersonalSign(PersonalMessage.ofText("hello"))).toRsvHex());
      byte[] prefixed = "\u0019Ethereum Signed Message:\n5hello".getBytes(StandardCharsets.UTF_8);
      assertEquals(EIP191_SIGNATURE, remote.signEvm(messageAccount, new EvmSigningRequest.RawData(prefixed)).toRsvHex());
      assertThrows(UnknownEvmKeyException.class, () -> remote.signEvm(new Address(new byte[20]),
          new EvmSigningRequest.RawData(new byte[1])));
    } finally {
      vault.close();
    }
  }
}
