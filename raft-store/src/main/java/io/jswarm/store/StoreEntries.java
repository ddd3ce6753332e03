package io.jswarm.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.jswarm.api.StoreBatch;
import io.jswarm.api.StoreEntry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * What one Raft log entry holds and what applying it answers. An entry is a {@link StoreEntry}
 * of batches from group commit, each applied on its own; an entry written before group commit is
 * one bare {@link StoreBatch} (its bytes parse as a StoreEntry with no batches).
 *
 * <p>The answer to a group is the entry's index, then per batch, in order, the conflict text or
 * nothing: 8 bytes of index, 4 of count, then per batch 4 bytes of length (-1: applied) and the
 * UTF-8 text. A bare batch is answered as before ({@link ApplyResult}).
 */
final class StoreEntries {
  private StoreEntries() {}

  /** The entry for {@code batches}, in this order. */
  static byte[] encode(List<StoreBatch> batches) {
    return StoreEntry.newBuilder().addAllBatches(batches).build().toByteArray();
  }

  /** Bytes one batch adds to an entry: the batch plus its field tag and length. */
  static int framedSize(StoreBatch batch) {
    int n = batch.getSerializedSize();
    return n + 1 + com.google.protobuf.CodedOutputStream.computeUInt32SizeNoTag(n);
  }

  /**
   * Applies the entry at {@code index}, appended in {@code term}, to {@code store}; answers
   * what the proposer gets back. Deterministic on every replica: the same bytes give the same
   * answer, a malformed entry included.
   */
  static Message apply(ObjectStore store, ByteBuffer data, long index, long term) {
    StoreEntry entry;
    try {
      entry = StoreEntry.parseFrom(data.duplicate());
      if (entry.getBatchesCount() == 0) {
        StoreBatch batch = StoreBatch.parseFrom(data.duplicate());
        return new ApplyResult(index, store.apply(batch, index, term)).toMessage();
      }
    } catch (InvalidProtocolBufferException e) {
      return new ApplyResult(index, "entry " + index + " is not a store batch: " + e.getMessage()).toMessage();
    }
    return encodeResults(index, store.applyEach(entry.getBatchesList(), index, term));
  }

  static Message encodeResults(long index, List<String> conflicts) {
    List<byte[]> texts = new ArrayList<>(conflicts.size());
    int size = 8 + 4;
    for (String c : conflicts) {
      byte[] t = c == null ? null : c.getBytes(StandardCharsets.UTF_8);
      texts.add(t);
      size += 4 + (t == null ? 0 : t.length);
    }
    ByteBuffer b = ByteBuffer.allocate(size).putLong(index).putInt(conflicts.size());
    for (byte[] t : texts) {
      if (t == null) {
        b.putInt(-1);
      } else {
        b.putInt(t.length).put(t);
      }
    }
    return Message.valueOf(ByteString.copyFrom(b.array()));
  }

  /** The per-batch results of a group of {@code count} batches, from the entry's answer. */
  static List<ApplyResult> decodeResults(ByteBuffer b, int count) {
    if (b.remaining() < 12) {
      throw new IllegalArgumentException("reply of " + b.remaining() + " bytes is not the result of a group");
    }
    long index = b.getLong();
    int n = b.getInt();
    if (n != count) {
      throw new IllegalArgumentException("entry " + index + " answered for " + n + " writes, " + count + " were sent");
    }
    List<ApplyResult> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int len = b.getInt();
      if (len < 0) {
        out.add(new ApplyResult(index, null));
      } else {
        byte[] t = new byte[len];
        b.get(t);
        out.add(new ApplyResult(index, new String(t, StandardCharsets.UTF_8)));
      }
    }
    return out;
  }
}
