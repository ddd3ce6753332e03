package io.jswarm.worker.engine;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;

/** Stream wrappers for untrusted layer blobs: digest and size checks, decompression, a size cap. */
final class LayerStreams {
  private LayerStreams() {}

  /**
   * Picks the decompressor by the stream's magic bytes: gzip, zstd ({@code tar+zstd} layers, as
   * containerd and podman push them), or a plain tar. The magic, not the media type, decides:
   * a wrong media type cannot make the unpacker read compressed bytes as a tar.
   */
  static InputStream decompressed(InputStream raw) throws IOException {
    BufferedInputStream in = new BufferedInputStream(raw, 65536);
    in.mark(4);
    int b1 = in.read();
    int b2 = in.read();
    int b3 = in.read();
    int b4 = in.read();
    in.reset();
    if (b1 == 0x1f && b2 == 0x8b) {
      return new GZIPInputStream(in, 65536);
    }
    if (b1 == 0x28 && b2 == 0xb5 && b3 == 0x2f && b4 == 0xfd) {
      return new ZstdCompressorInputStream(in);
    }
    return in;
  }

  /** Counts and digests what is read; fails once more than {@code limit} bytes come through. */
  static final class Measured extends FilterInputStream {
    private final MessageDigest digest = Digests.sha256();
    private final long limit;
    private final String what;
    private final java.io.OutputStream copy;
    private long count;

    Measured(InputStream in, long limit, String what) {
      this(in, limit, what, null);
    }

    /** Also writes every byte read to {@code copy} (may be null). */
    Measured(InputStream in, long limit, String what, java.io.OutputStream copy) {
      super(in);
      this.limit = limit;
      this.what = what;
      this.copy = copy;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
        if (count > limit) {
          throw new InvalidArchiveException(what + " is larger than the limit of " + limit + " bytes");
        }
        digest.update(b, off, n);
        if (copy != null) {
          copy.write(b, off, n);
        }
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      byte[] buf = new byte[8192];
      long done = 0;
      while (done < n) {
        int r = read(buf, 0, (int) Math.min(buf.length, n - done));
        if (r < 0) {
          break;
        }
        done += r;
      }
      return done;
    }

    @Override
    public boolean markSupported() {
      return false;
    }

    long count() {
      return count;
    }

    /** {@code sha256:<hex>} of everything read so far; call once, at the end. */
    String digest() {
      return "sha256:" + Digests.hex(digest);
    }
  }
}
