package dev.palisade.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The lean load generator: a fixed set of HTTP/1.1 keep-alive connections, one blocking thread
 * each, sharing one queue. A request costs a few microseconds of generator CPU (one write, one
 * buffered read, no per-request objects beyond the queue node), so the server keeps the cores.
 * The in-flight bound is the number of connections; the queue in front of them is unbounded, which
 * is how a validator client with a connection pool behaves in a burst.
 */
final class SocketLoadClient implements LoadClient {
  private record Req(String path, byte[] body, Done done) {}

  private static final Req POISON = new Req("", new byte[0], (s, e) -> {});

  private final String host;
  private final int port;
  private final int connections;
  private final LinkedBlockingQueue<Req> queue = new LinkedBlockingQueue<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean closed;

  SocketLoadClient(String host, int port, int connections) {
    this.host = host;
    this.port = port;
    this.connections = connections;
    for (int i = 0; i < connections; i++) {
      Thread t = new Thread(this::run, "bench-conn-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  @Override
  public void send(String path, byte[] body, Done done) {
    queue.add(new Req(path, body, done));
  }

  @Override
  public int maxInFlight() {
    return connections;
  }

  @Override
  public String description() {
    return "raw-socket HTTP/1.1 keep-alive, " + connections + " connections";
  }

  private void run() {
    Socket socket = null;
    OutputStream out = null;
    InputStream in = null;
    ByteArrayOutputStream request = new ByteArrayOutputStream(1024);
    byte[] line = new byte[512];
    while (!closed) {
      Req req;
      try {
        req = queue.take();
      } catch (InterruptedException e) {
        break;
      }
      if (req == POISON) {
        break;
      }
      try {
        if (socket == null) {
          socket = new Socket();
          socket.setTcpNoDelay(true);
          socket.connect(new InetSocketAddress(host, port), 5000);
          out = socket.getOutputStream();
          in = new BufferedInputStream(socket.getInputStream(), 8192);
        }
        request.reset();
        request.write(
            ("POST " + req.path() + " HTTP/1.1\r\nHost: " + host + ":" + port
                    + "\r\nContent-Type: application/json\r\nAccept: application/json\r\nContent-Length: "
                    + req.body().length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        request.write(req.body());
        request.writeTo(out);
        out.flush();
        Response response = readResponse(in, line);
        if (response.close()) {
          socket.close();
          socket = null;
        }
        req.done().done(response.status(), response.error());
      } catch (IOException e) {
        if (socket != null) {
          try {
            socket.close();
          } catch (IOException ignored) {
            // nothing to do
          }
        }
        socket = null;
        req.done().done(-1, e.toString());
      }
    }
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // nothing to do
      }
    }
  }

  private record Response(int status, boolean close, String error) {}

  private static Response readResponse(InputStream in, byte[] line) throws IOException {
    int n = readLine(in, line);
    // "HTTP/1.1 200 OK"
    if (n < 12) {
      throw new IOException("bad status line");
    }
    int status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
    long contentLength = -1;
    boolean close = false;
    while ((n = readLine(in, line)) > 0) {
      String header = new String(line, 0, n, StandardCharsets.US_ASCII);
      int colon = header.indexOf(':');
      if (colon < 0) continue;
      String name = header.substring(0, colon).trim();
      if (name.equalsIgnoreCase("content-length")) {
        contentLength = Long.parseLong(header.substring(colon + 1).trim());
      } else if (name.equalsIgnoreCase("connection")
          && header.substring(colon + 1).trim().equalsIgnoreCase("close")) {
        close = true;
      }
    }
    if (contentLength < 0) {
      throw new IOException("response without content-length");
    }
    byte[] body = in.readNBytes((int) contentLength);
    if (body.length != contentLength) {
      throw new EOFException("short body");
    }
    // a batch's 200 carries per-item statuses, so its body is passed on too
    boolean keep = status != 200 || (body.length > 0 && body[0] == '[');
    return new Response(status, close, keep ? new String(body, StandardCharsets.UTF_8) : null);
  }

  private static int readLine(InputStream in, byte[] line) throws IOException {
    int n = 0;
    while (true) {
      int b = in.read();
      if (b < 0) throw new EOFException("connection closed by server");
      if (b == '\n') {
        if (n > 0 && line[n - 1] == '\r') n--;
        return n;
      }
      if (n < line.length) line[n++] = (byte) b;
    }
  }

  @Override
  public void close() {
    closed = true;
    for (int i = 0; i < threads.size(); i++) {
      queue.add(POISON);
    }
    for (Thread t : threads) {
      t.interrupt();
    }
  }
}
