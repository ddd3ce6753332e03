package io.jswarm.chaos.history;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The ordered, thread-safe record of every operation of a run, written out as JSON lines. */
public final class History {
  private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
  private final long start = System.nanoTime();
  private final List<Op> ops = new ArrayList<>();

  /** Nanoseconds since the run started (monotonic). */
  public long now() {
    return System.nanoTime() - start;
  }

  public synchronized void add(Op op) {
    ops.add(op);
  }

  public synchronized List<Op> ops() {
    return List.copyOf(ops);
  }

  /** Every op on one key, in history order. */
  public static Map<String, List<Op>> byKey(List<Op> ops, String f0, String... fs) {
    java.util.Set<String> wanted = new java.util.HashSet<>(List.of(fs));
    wanted.add(f0);
    Map<String, List<Op>> out = new TreeMap<>();
    for (Op o : ops) {
      if (wanted.contains(o.f())) out.computeIfAbsent(o.key(), k -> new ArrayList<>()).add(o);
    }
    return out;
  }

  public void writeJsonLines(Writer w) throws IOException {
    for (Op o : ops()) {
      w.write(JSON.writeValueAsString(o));
      w.write('\n');
    }
  }
}
