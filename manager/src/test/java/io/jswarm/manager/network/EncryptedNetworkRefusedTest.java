package io.jswarm.manager.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jswarm.api.Network;
import io.jswarm.api.NetworkSpec;
import io.jswarm.store.StoreView;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code --opt encrypted} fails closed whatever the kernel: no ESP is programmed, so no plaintext is ever accepted. */
class EncryptedNetworkRefusedTest {
  /** A store holding no objects: lookups answer empty. */
  private static final StoreView EMPTY = (StoreView) Proxy.newProxyInstance(StoreView.class.getClassLoader(),
      new Class<?>[] {StoreView.class}, (p, m, a) -> m.getReturnType() == Optional.class ? Optional.empty()
          : m.getReturnType() == List.class ? List.of() : null);

  @Test
  void encryptedIsRefusedWithAMessageSayingItIsNotImplemented() {
    for (String value : List.of("", "true", "false")) {
      NetworkSpec spec = NetworkSpec.newBuilder().setName("secret").setDriver("overlay").putOptions("encrypted", value).build();
      var e = assertThrows(IllegalArgumentException.class, () -> Networks.allocate(EMPTY, "n1", spec));
      assertEquals(Networks.ENCRYPTED_REFUSED, e.getMessage());
      assertTrue(e.getMessage().contains("not implemented yet"), e.getMessage());
    }
  }

  @Test
  void aPlainNetworkIsStillAllocated() {
    Network n = Networks.allocate(EMPTY, "n1", NetworkSpec.newBuilder().setName("web").setDriver("overlay").build());
    assertEquals("10.0.0.0/24", n.getSubnet());
  }
}
