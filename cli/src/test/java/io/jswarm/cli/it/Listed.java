package io.jswarm.cli.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.jswarm.api.Service;
import io.jswarm.api.Task;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The JSON that {@code service ps --format json} and {@code service inspect} print, read back
 * into the API's messages, so that tests assert on fields (timestamps, versions, configs) rather
 * than on table text.
 */
final class Listed {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Listed() {}

  /** The service's tasks, oldest first. */
  static List<Task> tasks(JswarmProcess js, String service) {
    List<Task> out = parse(js.ok("service", "ps", "--format", "json", service).out(), Task.getDefaultInstance());
    out.sort(Comparator.comparingLong((Task t) -> t.getMeta().getCreatedAtMs()));
    return out;
  }

  static Service service(JswarmProcess js, String service) {
    return parse(js.ok("service", "inspect", "--format", "json", service).out(), Service.getDefaultInstance()).get(0);
  }

  @SuppressWarnings("unchecked")
  static <M extends Message> List<M> parse(String jsonArray, M prototype) {
    try {
      List<M> out = new ArrayList<>();
      for (JsonNode n : JSON.readTree(jsonArray)) {
        Message.Builder b = prototype.newBuilderForType();
        JsonFormat.parser().ignoringUnknownFields().merge(n.toString(), b);
        out.add((M) b.build());
      }
      return out;
    } catch (Exception e) {
      throw new AssertionError("not a JSON array of messages: " + jsonArray, e);
    }
  }
}
