package io.jswarm.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * What applying one entry answered, as carried back to the proposer in the Ratis reply:
 * the entry's index and, when the batch was rejected, why. Encoded as 8 bytes of index then
 * the UTF-8 conflict text (absent when applied).
 */
record ApplyResult(long index, String conflict) {

  Message toMessage() {
    byte[] text = conflict == null ? new byte[0] : conflict.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + text.length).putLong(index).put(text);
    return Message.valueOf(ByteString.copyFrom(b.array()));
  }

  static ApplyResult fromMessage(Message m) {
    ByteBuffer b = m.getContent().asReadOnlyByteBuffer();
    if (b.remaining() < 8) {
      throw new IllegalArgumentException("reply of " + b.remaining() + " bytes is not an apply result");
    }
    long index = b.getLong();
    if (!b.hasRemaining()) {
      return new ApplyResult(index, null);
    }
    byte[] text = new byte[b.remaining()];
    b.get(text);
    return new ApplyResult(index, new String(text, StandardCharsets.UTF_8));
  }
}
