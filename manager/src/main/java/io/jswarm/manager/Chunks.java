package io.jswarm.manager;

import com.google.protobuf.MessageLite;
import io.jswarm.store.BatchLimits;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a pass's writes into groups that each fit one small transaction of a
 * {@link io.jswarm.store.BatchWriter}: at most half an entry's changes and bytes, so that a
 * group plus the reads and the odd extra write it carries always fits in one Raft entry.
 */
public final class Chunks {
  private Chunks() {}

  public static <T extends MessageLite> List<List<T>> of(List<T> items, BatchLimits limits) {
    int maxCount = Math.max(1, limits.maxChanges() / 2);
    long maxBytes = Math.max(1, limits.maxBytes() / 2);
    List<List<T>> out = new ArrayList<>();
    List<T> chunk = new ArrayList<>();
    long bytes = 0;
    for (T item : items) {
      int size = item.getSerializedSize();
      if (!chunk.isEmpty() && (chunk.size() >= maxCount || bytes + size > maxBytes)) {
        out.add(chunk);
        chunk = new ArrayList<>();
        bytes = 0;
      }
      chunk.add(item);
      bytes += size;
    }
    if (!chunk.isEmpty()) out.add(chunk);
    return out;
  }
}
