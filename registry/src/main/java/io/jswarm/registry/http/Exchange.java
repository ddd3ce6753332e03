package io.jswarm.registry.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jswarm.registry.core.RegistryException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes {@link Reply}s and errors. This is the one place where exceptions become HTTP: a
 * {@link RegistryException} becomes the spec's error body with its status, anything else a 500.
 * Requests reach handlers paused; a reply is written once the request body (if any) is consumed,
 * so keep-alive connections stay in step.
 */
final class Exchange {
  private static final Logger LOG = Logger.getLogger(Exchange.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  private Exchange() {}

  /** Sends the outcome of a future, after draining any request body. */
  static void reply(HttpServerRequest req, Future<Reply> outcome) {
    outcome.onComplete(ar -> afterBody(req, () -> {
      if (ar.succeeded()) {
        send(req, ar.result());
      } else {
        fail(req, ar.cause());
      }
    }));
  }

  static void fail(HttpServerRequest req, Throwable t) {
    send(req, errorReply(t));
  }

  /** Runs {@code then} once the request body has been read and dropped. */
  static void afterBody(HttpServerRequest req, Runnable then) {
    if (req.isEnded()) {
      then.run();
      return;
    }
    req.handler(b -> {});
    req.exceptionHandler(t -> {});
    req.endHandler(v -> then.run());
    req.resume();
  }

  static Reply errorReply(Throwable t) {
    if (t instanceof RegistryException re) {
      return error(re.status(), re.code().name(), re.getMessage(), re.detail());
    }
    LOG.log(Level.WARNING, "internal error", t);
    return error(500, "UNKNOWN", "internal error: " + t, null);
  }

  static Reply error(int status, String code, String message, Object detail) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode errors = root.putArray("errors");
    ObjectNode e = errors.addObject();
    e.put("code", code);
    e.put("message", message);
    e.set("detail", JSON.valueToTree(detail));
    return Reply.of(status).json(root.toString());
  }

  static void send(HttpServerRequest req, Reply r) {
    HttpServerResponse resp = req.response();
    if (resp.ended() || resp.closed()) {
      return;
    }
    resp.setStatusCode(r.status);
    resp.putHeader("Docker-Distribution-API-Version", "registry/2.0");
    for (Map.Entry<String, String> h : r.headers.entrySet()) {
      resp.putHeader(h.getKey(), h.getValue());
    }
    for (String c : r.challenges) {
      resp.headers().add("WWW-Authenticate", c);
    }
    boolean head = req.method() == HttpMethod.HEAD;
    if (r.file != null) {
      resp.putHeader("Content-Length", Long.toString(r.fileLength));
      if (head) {
        resp.end();
      } else {
        resp.sendFile(r.file.toString(), r.fileOffset, r.fileLength);
      }
    } else if (r.body != null) {
      resp.putHeader("Content-Length", Integer.toString(r.body.length));
      if (head) {
        resp.end();
      } else {
        resp.end(Buffer.buffer(r.body));
      }
    } else {
      if (!r.headers.containsKey("Content-Length")) {
        resp.putHeader("Content-Length", "0");
      }
      resp.end();
    }
  }
}
