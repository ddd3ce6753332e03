package io.jswarm.net;

import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Whether this kernel can encrypt overlay traffic the way Docker's encrypted overlay does: IPsec
 * ESP with AES-GCM (rfc4106). Probed by installing one xfrm state in a throwaway namespace, which
 * exercises exactly the crypto lookup an encrypted network would need and touches nothing shared.
 * The kernel's answer cannot change while we run, so it is computed once.
 */
public final class EncryptionProbe {
  private static volatile Optional<String> cached;

  private EncryptionProbe() {}

  /** Empty when ESP/rfc4106(gcm(aes)) works; otherwise the kernel's reason. */
  public static Optional<String> unsupportedReason() {
    Optional<String> r = cached;
    if (r == null) {
      synchronized (EncryptionProbe.class) {
        r = cached;
        if (r == null) {
          r = probe();
          cached = r;
        }
      }
    }
    return r;
  }

  private static Optional<String> probe() {
    String ns = "jsxfrm-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
    try {
      Netns.create(ns);
      IpCommands.Result r = IpCommands.tryIp(ns, "xfrm", "state", "add",
          "src", "192.0.2.1", "dst", "192.0.2.2", "proto", "esp", "spi", "0x100", "reqid", "1", "mode", "transport",
          // 16-byte AES key followed by the 4-byte salt rfc4106 wants; 128-bit ICV.
          "aead", "rfc4106(gcm(aes))", "0x" + "11".repeat(20), "128");
      if (r.ok()) {
        return Optional.empty();
      }
      String err = r.err();
      int colon = err.indexOf(": ");
      String msg = (err.startsWith("ip ") && colon > 0 ? err.substring(colon + 2) : err).strip();
      msg = msg.replaceFirst("^Error: ", "").replaceFirst("\\.$", "");
      return Optional.of(msg.isEmpty() ? "xfrm state add failed" : msg);
    } catch (NetException e) {
      return Optional.of(e.getMessage());
    } finally {
      try {
        Netns.delete(ns);
      } catch (NetException ignored) {
        // the probe's answer stands; a stray namespace is reported by whoever lists them
      }
    }
  }
}
