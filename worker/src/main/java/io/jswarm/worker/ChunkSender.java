package io.jswarm.worker;

import com.google.protobuf.ByteString;
import io.grpc.stub.ServerCallStreamObserver;
import io.jswarm.api.ImageArchiveChunk;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;

/**
 * An OutputStream that sends what is written as 1 MiB {@link ImageArchiveChunk}s on a gRPC server
 * stream, waiting while the call is not ready (flow control: a slow client holds back the writer
 * instead of the daemon buffering the whole archive). Fails once the client cancelled.
 */
final class ChunkSender extends OutputStream {
  private static final int CHUNK = 1 << 20;
  private final ServerCallStreamObserver<ImageArchiveChunk> call;
  private final Object ready = new Object();
  private final byte[] buf = new byte[CHUNK];
  private int n;

  ChunkSender(ServerCallStreamObserver<ImageArchiveChunk> call) {
    this.call = call;
    call.setOnReadyHandler(() -> {
      synchronized (ready) {
        ready.notifyAll();
      }
    });
    call.setOnCancelHandler(() -> {
      synchronized (ready) {
        ready.notifyAll();
      }
    });
  }

  @Override
  public void write(int b) throws IOException {
    if (n == CHUNK) flush();
    buf[n++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      if (n == CHUNK) flush();
      int k = Math.min(len, CHUNK - n);
      System.arraycopy(b, off, buf, n, k);
      n += k;
      off += k;
      len -= k;
    }
  }

  @Override
  public void flush() throws IOException {
    if (n == 0) return;
    synchronized (ready) {
      while (!call.isReady() && !call.isCancelled()) {
        try {
          ready.wait(1000); // woken by the ready/cancel handlers; the bound is a safety net
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while sending the archive");
        }
      }
    }
    if (call.isCancelled()) throw new IOException("the client went away");
    call.onNext(ImageArchiveChunk.newBuilder().setData(ByteString.copyFrom(buf, 0, n)).build());
    n = 0;
  }
}
