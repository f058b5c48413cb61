package dev.palisade.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.palisade.auth.Identity;
import dev.palisade.crypto.BlsSignature;
import dev.palisade.server.http.ApiException;
import dev.palisade.server.http.ErrorResponses;
import dev.palisade.server.signing.SigningService;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code POST /api/v1/eth2/sign/batch}, an extension to the Web3Signer API: a JSON array of
 * {@code {"identifier": <public key>, "request": <Web3Signer sign body>}}, answered with one entry
 * per item, in order. Each item goes through {@link SigningService#sign} exactly as a single request
 * (scopes, operator, policies, anti-slashing, vault, audit), so a batch decides nothing itself; an
 * item's failure is its own entry and touches no other item.
 */
final class BatchSigning {
  /** Items per batch; more is a 400 before any item is looked at. */
  static final int MAX_ITEMS = 1024;
  /**
   * Items of one batch in flight on the signing pool at once: enough that they share group commits
   * (an item waits for its slashing record's commit), few enough that one batch cannot fill the pool.
   */
  static final int PARALLELISM = 16;
  private static final JsonFactory JSON = new ObjectMapper().getFactory();

  private final SigningService signing;
  private final ThreadPoolExecutor pool;
  private final AtomicLong rejections;

  BatchSigning(SigningService signing, ThreadPoolExecutor pool, AtomicLong rejections) {
    this.signing = signing;
    this.pool = pool;
    this.rejections = rejections;
  }

  /** One item: its identifier and the exact bytes of its request, or why it cannot be read. */
  record Item(String identifier, byte[] body, ApiException.BadRequest problem) {}

  /** An item's answer: a signature or the failure a single request would have answered. */
  private record Outcome(BlsSignature signature, Throwable failure) {}

  void handle(RoutingContext ctx) {
    Identity caller = RequestGate.caller(ctx);
    Optional<InetAddress> source = RequestGate.source(ctx);
    List<Item> items;
    try {
      items = parse(ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes());
    } catch (ApiException.BadRequest e) {
      ErrorResponses.send(ctx, e);
      return;
    }
    Outcome[] outcomes = new Outcome[items.size()];
    if (items.isEmpty()) {
      respond(ctx, outcomes);
      return;
    }
    Context eventLoop = ctx.vertx().getOrCreateContext();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    Runnable worker = () -> {
      for (int i = next.getAndIncrement(); i < items.size(); i = next.getAndIncrement()) {
        outcomes[i] = signOne(caller, source, items.get(i));
        if (done.incrementAndGet() == items.size()) {
          eventLoop.runOnContext(v -> respond(ctx, outcomes));
        }
      }
    };
    int started = 0;
    for (int w = 0; w < Math.min(PARALLELISM, items.size()); w++) {
      try {
        pool.execute(worker);
        started++;
      } catch (RejectedExecutionException e) {
        break; // the workers already started take the remaining items
      }
    }
    if (started == 0) {
      rejections.incrementAndGet();
      ErrorResponses.send(ctx, new RejectedExecutionException("signing pool is full"));
    }
  }

  private Outcome signOne(Identity caller, Optional<InetAddress> source, Item item) {
    try {
      if (item.problem() != null) {
        throw item.problem();
      }
      return new Outcome(signing.sign(caller, source, item.identifier(), item.body()), null);
    } catch (RuntimeException failure) {
      return new Outcome(null, failure);
    } catch (Error failure) {
      WorkerWatchdog.ifFatal(failure);
      return new Outcome(null, failure);
    }
  }

  /**
   * Reads the array with a streaming parser; each request is kept as its exact bytes (no
   * re-serialisation), which is what a single request's body would be.
   */
  static List<Item> parse(byte[] body) {
    List<Item> items = new ArrayList<>();
    try (JsonParser parser = JSON.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_ARRAY) {
        throw new ApiException.BadRequest(null, "the body must be a JSON array of {identifier, request} items");
      }
      for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
        if (token == null) {
          throw new ApiException.BadRequest(null, "the body ends inside the array");
        }
        if (items.size() == MAX_ITEMS) {
          throw new ApiException.BadRequest(null, "a batch holds at most " + MAX_ITEMS + " items");
        }
        items.add(token == JsonToken.START_OBJECT ? item(parser, body) : skipped(parser, "an item must be an object"));
      }
      if (parser.nextToken() != null) {
        throw new ApiException.BadRequest(null, "unexpected content after the array");
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new ApiException.BadRequest(null, "the body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e); // reading a byte array does not fail otherwise
    }
    return items;
  }

  private static Item item(JsonParser parser, byte[] body) throws IOException {
    String identifier = null;
    byte[] request = null;
    String problem = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.getCurrentName();
      JsonToken value = parser.nextToken();
      if (field.equals("identifier") && value == JsonToken.VALUE_STRING) {
        identifier = parser.getText();
      } else if (field.equals("request") && value == JsonToken.START_OBJECT) {
        int start = (int) parser.getTokenLocation().getByteOffset();
        parser.skipChildren();
        request = Arrays.copyOfRange(body, start, (int) parser.getCurrentLocation().getByteOffset());
      } else {
        parser.skipChildren();
        if (field.equals("identifier") || field.equals("request")) {
          problem = field + (field.equals("identifier") ? " must be a string" : " must be an object");
        }
      }
    }
    if (problem == null && identifier == null) {
      problem = "identifier is required";
    } else if (problem == null && request == null) {
      problem = "request is required";
    }
    return problem == null ? new Item(identifier, request, null)
        : new Item(identifier, null, new ApiException.BadRequest(problem.split(" ", 2)[0], problem));
  }

  private static Item skipped(JsonParser parser, String problem) throws IOException {
    parser.skipChildren();
    return new Item(null, null, new ApiException.BadRequest(null, problem));
  }

  /** {@code [{"status":200,"signature":"0x…"}, {"status":412,"error":{"code":412,…}}, …]} */
  private static void respond(RoutingContext ctx, Outcome[] outcomes) {
    if (ctx.response().closed()) {
      return; // the client left while the items were signed
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + outcomes.length * 224);
    String where = ctx.request().method() + " " + ctx.request().path();
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartArray();
      for (Outcome outcome : outcomes) {
        json.writeStartObject();
        if (outcome.signature() != null) {
          json.writeNumberField("status", 200);
          json.writeStringField("signature", outcome.signature().toHex());
        } else {
          json.writeNumberField("status", ErrorResponses.statusOf(outcome.failure()));
          json.writeFieldName("error");
          json.writeTree(ErrorResponses.body(where, outcome.failure()));
        }
        json.writeEndObject();
      }
      json.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does not fail
    }
    ctx.response()
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .end(Buffer.buffer(out.toByteArray()));
  }
}
