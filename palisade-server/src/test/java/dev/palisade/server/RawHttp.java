package dev.palisade.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** Speaks HTTP/1.1 over a plain socket, for requests a well-behaved client would never send. */
final class RawHttp {
  private RawHttp() {}

  /** Sends {@code head} (request line and headers) plus {@code bodyPart}, then reads whatever comes back. */
  static String sendAndRead(int port, String head, byte[] bodyPart, int readTimeoutMillis) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(readTimeoutMillis);
      socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().write(bodyPart);
      socket.getOutputStream().flush();
      return readUntilClosedOrTimeout(socket.getInputStream());
    }
  }

  static String readUntilClosedOrTimeout(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        out.write(buffer, 0, n);
      }
    } catch (SocketTimeoutException | java.net.SocketException e) {
      // what arrived before the timeout (or a reset) is the answer
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  static String postHead(String path, String contentType, long contentLength) {
    return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + contentType
        + "\r\nContent-Length: " + contentLength + "\r\n\r\n";
  }
}
