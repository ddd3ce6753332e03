package io.jswarm.worker;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A bounded pipe from gRPC message callbacks (any thread) to one reading thread. Unlike
 * PipedInputStream it does not care which thread writes. When full, {@link #write} blocks the
 * caller, which holds back the client through gRPC flow control.
 */
final class ChunkPipe extends InputStream {
  private static final ByteString EOF = ByteString.copyFromUtf8("EOF");
  private final BlockingQueue<ByteString> queue = new ArrayBlockingQueue<>(32);
  private volatile Throwable failure;
  private volatile boolean readerGone;
  private ByteString current = ByteString.EMPTY;
  private int pos;

  void write(ByteString chunk) throws InterruptedException {
    if (!chunk.isEmpty() && !readerGone) {
      while (!readerGone && !queue.offer(chunk, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
        // retry until the reader takes it or gives up
      }
    }
  }

  void finish() throws InterruptedException {
    while (!readerGone && !queue.offer(EOF, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
      // retry
    }
  }

  void fail(Throwable t) {
    failure = t;
    queue.clear();
    queue.offer(EOF);
  }

  @Override
  public int read() throws IOException {
    byte[] b = new byte[1];
    int n = read(b, 0, 1);
    return n < 0 ? -1 : b[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    while (pos >= current.size()) {
      if (current == EOF) {
        return -1;
      }
      try {
        current = queue.take();
        pos = 0;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
      if (failure != null) {
        throw new IOException("upload aborted: " + failure.getMessage(), failure);
      }
      if (current == EOF) {
        return -1;
      }
    }
    int n = Math.min(len, current.size() - pos);
    current.substring(pos, pos + n).copyTo(b, off);
    pos += n;
    return n;
  }

  @Override
  public void close() {
    readerGone = true;
    queue.clear();
  }
}
