package io.jswarm.registry.http;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An HTTP answer computed off the event loop and written on it: status, headers and either a small
 * body or a file region (sent zero-copy with {@code sendFile}).
 */
final class Reply {
  final int status;
  final Map<String, String> headers = new LinkedHashMap<>();
  /** WWW-Authenticate values, one header line each: clients read one challenge per line. */
  final List<String> challenges = new ArrayList<>();
  byte[] body;
  Path file;
  long fileOffset;
  long fileLength;

  Reply(int status) {
    this.status = status;
  }

  static Reply of(int status) {
    return new Reply(status);
  }

  Reply header(String name, Object value) {
    headers.put(name, String.valueOf(value));
    return this;
  }

  Reply challenge(String value) {
    challenges.add(value);
    return this;
  }

  Reply body(String contentType, byte[] content) {
    headers.put("Content-Type", contentType);
    this.body = content;
    return this;
  }

  Reply json(String json) {
    return body("application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  Reply file(Path p, long offset, long length) {
    this.file = p;
    this.fileOffset = offset;
    this.fileLength = length;
    return this;
  }
}
