package io.jswarm.net;

import java.util.Optional;

/** Placeholder until the data-path branch lands (it probes xfrm ESP with AES-GCM). */
public final class EncryptionProbe {
  private EncryptionProbe() {}

  public static Optional<String> unsupportedReason() {
    return Optional.of("IPsec ESP with AES-GCM was not probed");
  }
}
