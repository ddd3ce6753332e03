package io.jswarm.manager;

import io.jswarm.store.Member;
import io.jswarm.store.RaftStore;
import io.jswarm.store.RaftStoreConfig;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;

/** A real one-member Raft store on a free loopback port, for tests of leader components. */
public final class TestStores {
  private TestStores() {}

  /** Opens the store in {@code dir} and waits (at most 30 s) until it leads. */
  public static RaftStore singleLeader(Path dir) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    RaftStore store = RaftStore.open(RaftStoreConfig.defaults(dir, "m1", "127.0.0.1:" + port,
        List.of(new Member("m1", "127.0.0.1:" + port))));
    long end = System.nanoTime() + 30_000_000_000L;
    while (!store.isLeader()) {
      if (System.nanoTime() > end) {
        store.close();
        throw new AssertionError("the one-member store did not become leader within 30 s");
      }
      Thread.sleep(20); // poll interval of a deadline-bounded wait
    }
    return store;
  }
}
