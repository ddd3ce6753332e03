package io.jswarm.cli.daemon;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.jswarm.api.ControlGrpc;
import io.jswarm.api.InfoRequest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * HOST:PORT of the swarm's built-in registries as this node sees them: its own (when it is a
 * manager serving one) first, then what the other managers say they serve (their Info), asked
 * at most every {@link #TTL_NANOS} and only by nodes in a swarm. A manager that does not answer
 * is left out until the next refresh.
 */
final class ClusterRegistryAddrs implements Supplier<List<String>> {
  private static final long TTL_NANOS = TimeUnit.SECONDS.toNanos(30);
  private final Supplier<String> local;
  private final Supplier<List<String>> managerAddrs;
  private final String selfAddr;
  private List<String> remote = List.of();
  private long fetchedAt;
  private List<String> fetchedFor = List.of();

  /**
   * @param local this node's registry HOST:PORT, or null when it serves none
   * @param managerAddrs the managers' gRPC addresses; empty outside a swarm
   */
  ClusterRegistryAddrs(Supplier<String> local, Supplier<List<String>> managerAddrs, String selfAddr) {
    this.local = local;
    this.managerAddrs = managerAddrs;
    this.selfAddr = selfAddr;
  }

  @Override
  public synchronized List<String> get() {
    List<String> managers = managerAddrs.get();
    Set<String> out = new LinkedHashSet<>();
    String own = local.get();
    if (own != null) out.add(own);
    if (managers.isEmpty()) return List.copyOf(out);
    long now = System.nanoTime();
    if (!managers.equals(fetchedFor) || now - fetchedAt > TTL_NANOS) {
      remote = ask(managers);
      fetchedFor = managers;
      fetchedAt = now;
    }
    out.addAll(remote);
    return List.copyOf(out);
  }

  private List<String> ask(List<String> managers) {
    List<String> found = new ArrayList<>();
    for (String m : managers) {
      if (m.equals(selfAddr)) continue;
      ManagedChannel ch = NettyChannelBuilder.forTarget(m).usePlaintext().build();
      try {
        String r = ControlGrpc.newBlockingStub(ch).withDeadlineAfter(3, TimeUnit.SECONDS)
            .info(InfoRequest.getDefaultInstance()).getRegistryAddr();
        if (!r.isEmpty()) found.add(r);
      } catch (RuntimeException e) {
        // down or unreachable: left out until the next refresh
      } finally {
        ch.shutdownNow();
      }
    }
    return found;
  }
}
