package dev.samsa.interop;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.concurrent.ExecutionException;

/**
 * The interop tier's Java client: Apache Kafka's Java client 4.4.0 driven by
 * the TypeScript tests, every request and answer as one JSON line.
 *
 * <pre>
 *   harness request &lt;bootstrap&gt; '&lt;request json&gt;'   one request, its answer on stdout (exit 1 on error)
 *   harness serve &lt;bootstrap&gt;                     one request per stdin line, one answer per stdout line
 *   harness load &lt;bootstrap&gt; '&lt;load json&gt;'         a producer that streams until stdin closes (see Load)
 * </pre>
 *
 * A request is {"op": ..., ...} with an optional "id" echoed in the answer;
 * the answer is {"id", "ok": true, "result": {...}} or {"id", "ok": false,
 * "error": {"type", "message"}}. Operations: produce, consume (Clients);
 * createTopics, listTopics, describeTopics, deleteTopics, createPartitions,
 * listOffsets, deleteRecords, describeCluster, describeConfigs,
 * alterConfigs (Admin); groupConsume (Groups: a group member, run on its own
 * thread in serve mode, reporting assignment changes as {"id", "event", ...}
 * lines before its answer). Keys, values and header values are base64 (null
 * stays null).
 */
public final class Harness {
  private Harness() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) usage();
    String mode = args[0];
    String bootstrap = args[1];
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    switch (mode) {
      case "request" -> {
        if (args.length != 3) usage();
        Map<String, Object> answer;
        try (Session session = new Session(bootstrap)) {
          answer = session.answer(Json.parseObject(args[2]), event -> print(out, event));
        }
        out.println(Json.write(answer));
        out.flush();
        System.exit(Boolean.TRUE.equals(answer.get("ok")) ? 0 : 1);
      }
      case "serve" -> serve(bootstrap, out);
      case "load" -> {
        if (args.length != 3) usage();
        Load.run(bootstrap, Json.parseObject(args[2]), out);
      }
      default -> usage();
    }
  }

  private static void serve(String bootstrap, PrintStream out) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    List<Thread> background = new ArrayList<>();
    try (Session session = new Session(bootstrap)) {
      print(out, Json.obj("ready", true));
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.isBlank()) continue;
        Map<String, Object> answer;
        try {
          Map<String, Object> request = Json.parseObject(line);
          if (BACKGROUND_OPS.contains(request.get("op"))) {
            // Group members must poll side by side, so these run on their own thread.
            Thread thread = new Thread(
                () -> print(out, session.answer(request, event -> print(out, event))), "op-" + request.get("id"));
            thread.start();
            background.add(thread);
            continue;
          }
          answer = session.answer(request);
        } catch (IllegalArgumentException e) {
          answer = Json.obj("id", null, "ok", false, "error", errorOf(e));
        }
        print(out, answer);
      }
      for (Thread thread : background) thread.join();
    }
  }

  /** Operations answered on their own thread (answers may come out of order; ids tell them apart). */
  private static final Set<Object> BACKGROUND_OPS = Set.of("groupConsume");

  private static void print(PrintStream out, Map<String, Object> message) {
    String line = Json.write(message);
    synchronized (out) {
      out.println(line);
      out.flush();
    }
  }

  private static void usage() {
    System.err.println("usage: harness request|serve|load <bootstrap> [json]");
    System.exit(2);
  }

  /** {"type": simple class name, "message"} of the cause an async API failed with. */
  static Map<String, Object> errorOf(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof ExecutionException || cause instanceof java.util.concurrent.CompletionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return Json.obj("type", cause.getClass().getSimpleName(), "message", String.valueOf(cause.getMessage()));
  }

  /** One bootstrap address, one Admin client made on first use, closed at the end. */
  static final class Session implements AutoCloseable {
    private final String bootstrap;
    private AdminOps admin;

    Session(String bootstrap) {
      this.bootstrap = bootstrap;
    }

    Map<String, Object> answer(Map<String, Object> request) {
      return answer(request, event -> {});
    }

    /** Answers a request; events an operation reports go to `events`, tagged with the request's id. */
    Map<String, Object> answer(Map<String, Object> request, Consumer<Map<String, Object>> events) {
      Object id = request.get("id");
      Consumer<Map<String, Object>> tagged = event -> {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("id", id);
        message.putAll(event);
        events.accept(message);
      };
      try {
        return Json.obj("id", id, "ok", true, "result", dispatch(Json.str(request, "op"), request, tagged));
      } catch (Exception e) {
        return Json.obj("id", id, "ok", false, "error", errorOf(e));
      }
    }

    private Map<String, Object> dispatch(String op, Map<String, Object> request,
        Consumer<Map<String, Object>> events) throws Exception {
      switch (op) {
        case "groupConsume":
          return Groups.consume(bootstrap, request, events);
        case "produce":
          return Clients.produce(bootstrap, request);
        case "consume":
          return Clients.consume(bootstrap, request);
        default:
          return admin().run(op, request);
      }
    }

    /** Made on first use; synchronized since background operations share the session. */
    private synchronized AdminOps admin() {
      if (admin == null) admin = new AdminOps(bootstrap);
      return admin;
    }

    @Override
    public void close() {
      if (admin != null) admin.close();
    }
  }
}
