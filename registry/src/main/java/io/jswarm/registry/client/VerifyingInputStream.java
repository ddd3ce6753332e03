package io.jswarm.registry.client;

import io.jswarm.registry.core.Digest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Passes a blob through while digesting it; at the end of the stream, or as soon as more bytes
 * than expected arrive, a mismatch fails the read, so a consumer that reads to the end never
 * accepts wrong bytes.
 */
public final class VerifyingInputStream extends FilterInputStream {
  private final Digest expected;
  private final long size;
  private final MessageDigest md = Digest.sha256();
  private long count;
  private boolean verified;

  /** @param size the expected length, or -1 when unknown */
  public VerifyingInputStream(InputStream in, Digest expected, long size) {
    super(in);
    this.expected = expected;
    this.size = size;
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
    if (n < 0) {
      verify();
      return -1;
    }
    count += n;
    if (size >= 0 && count > size) {
      throw new IOException("blob " + expected + " is longer than its declared size " + size);
    }
    md.update(b, off, n);
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

  private void verify() throws IOException {
    if (verified) {
      return;
    }
    verified = true;
    if (size >= 0 && count != size) {
      throw new IOException("blob " + expected + " is " + count + " bytes, expected " + size);
    }
    String got = HexFormat.of().formatHex(md.digest());
    if (!got.equals(expected.hex())) {
      throw new IOException("blob digest mismatch: expected " + expected + ", got sha256:" + got);
    }
  }
}
