package dev.palisade.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

  @ParameterizedTest(name = "{0} contains {1}: {2}")
  @CsvSource({
    "10.0.0.0/8, 10.255.255.255, true",
    "10.0.0.0/8, 11.0.0.0, false",
    "10.0.0.0/8, 9.255.255.255, false",
    "192.168.1.32/27, 192.168.1.32, true",
    "192.168.1.32/27, 192.168.1.63, true",
    "192.168.1.32/27, 192.168.1.64, false",
    "192.168.1.32/27, 192.168.1.31, false",
    "203.0.113.7, 203.0.113.7, true",
    "203.0.113.7, 203.0.113.8, false",
    "203.0.113.7/32, 203.0.113.7, true",
    "0.0.0.0/0, 8.8.8.8, true",
    "0.0.0.0/0, ::1, false",
    "::/0, ::1, true",
    "::/0, 8.8.8.8, false",
    "fd00::/8, fd12:3456::1, true",
    "fd00::/8, fe80::1, false",
    "2001:db8::/32, 2001:db8:ffff:ffff:ffff:ffff:ffff:ffff, true",
    "2001:db8::/32, 2001:db9::, false",
    "2001:db8::1, 2001:db8::1, true",
    "2001:db8::1/128, 2001:0db8:0000:0000:0000:0000:0000:0001, true",
    "2001:db8::/127, 2001:db8::1, true",
    "2001:db8::/127, 2001:db8::2, false",
    // a dual-stack socket reports an IPv4 client as IPv4-mapped IPv6; it must match IPv4 rules
    "10.1.2.0/24, ::ffff:10.1.2.3, true",
    "::ffff:10.1.2.0/120, 10.1.2.3, true",
    "10.1.2.0/24, ::10.1.2.3, false",
  })
  void matching(String cidr, String address, boolean expected) throws Exception {
    Cidr network = Cidr.parse(cidr);
    InetAddress ip = InetAddress.getByAddress(IpAddresses.parse(address));
    assertEquals(expected, network.contains(ip));
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "10.0.0.1/8", // host bits set
    "10.0.0.0/33",
    "::/129",
    "10.0.0.0/-1",
    "10.0.0.0/",
    "10.0.0.0/8/8",
    "256.0.0.1",
    "10.0.0",
    "10.0.0.0.0",
    "10..0.1",
    "10.0.0.1.",
    "+10.0.0.1",
    "1000.0.0.1",
    "010.0.0.1", // leading zero: octal or decimal?
    "10.0.0.1 ",
    "localhost",
    "example.com/24",
    "fe80::1%eth0",
    "1::2::3",
    "",
    "10.0.0.0/ 8",
  })
  void refusesWhatIsNotAStrictLiteral(String text) {
    if (text.equals("10.0.0.1 ")) {
      // surrounding white space is trimmed, that one is fine
      assertEquals("10.0.0.1/32", Cidr.parse(text).toString());
      return;
    }
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse(text));
  }

  @Test
  void hostBitErrorSuggestsTheNetwork() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.1.2.3/16"));
    assertTrue(e.getMessage().contains("10.1.0.0/16"), e.getMessage());
  }

  @Test
  void canonicalFormIsStableForEquivalentSpellings() {
    assertEquals(Cidr.parse("2001:db8::/32"), Cidr.parse("2001:0DB8:0:0::/32"));
    assertEquals(Cidr.parse("2001:db8::/32").toString(), Cidr.parse("2001:0DB8:0:0::/32").toString());
    assertEquals(Cidr.parse("10.0.0.0/8"), Cidr.parse(Cidr.parse("10.0.0.0/8").toString()));
    assertEquals(Cidr.parse("[::1]"), Cidr.parse("::1/128"));
  }

  /** Seeded comparison against a straightforward bit-by-bit definition of prefix matching. */
  @Test
  void agreesWithBitByBitDefinitionOnRandomInputs() throws Exception {
    Random random = new Random(20240605L);
    for (int i = 0; i < 5000; i++) {
      int length = random.nextBoolean() ? 4 : 16;
      byte[] net = new byte[length];
      byte[] addr = new byte[length];
      random.nextBytes(net);
      int prefix = random.nextInt(length * 8 + 1);
      // start from the network and flip one random bit, so both matches and misses are common
      System.arraycopy(net, 0, addr, 0, length);
      int flip = random.nextInt(length * 8);
      addr[flip / 8] ^= (byte) (0x80 >>> (flip % 8));
      for (int b = prefix; b < length * 8; b++) {
        net[b / 8] &= (byte) ~(0x80 >>> (b % 8));
      }
      if (length == 16 && isV4Mapped(net)) {
        continue;
      }
      Cidr cidr = Cidr.parse(IpAddresses.format(net) + "/" + prefix);
      boolean expected = flip >= prefix;
      InetAddress ip = InetAddress.getByAddress(addr);
      if (length == 16 && isV4Mapped(addr)) {
        continue;
      }
      assertEquals(expected, cidr.contains(ip), cidr + " vs " + ip.getHostAddress());
    }
  }

  private static boolean isV4Mapped(byte[] a) {
    for (int i = 0; i < 10; i++) {
      if (a[i] != 0) {
        return false;
      }
    }
    return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
  }
}
