package io.jswarm.cli.daemon;

import io.grpc.ManagedChannel;
import io.jswarm.api.ManagerInfoRequest;
import io.jswarm.api.MembershipGrpc;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * HOST:PORT of the swarm's built-in registries as this node sees them: its own (when it is a
 * manager serving one) first, then what the other managers say they serve (their Info, asked in
 * parallel, over mutual TLS: Membership.ManagerInfo). The answer is cached; once older than {@link #TTL_NANOS}, or when the manager list
 * changed, it is refreshed in the background while the cached one is used, so a manager that is
 * down or partitioned away never delays an import or a task start past the very first ask.
 */
final class ClusterRegistryAddrs implements Supplier<List<String>> {
  private static final long TTL_NANOS = TimeUnit.SECONDS.toNanos(30);
  private static final long ASK_DEADLINE_MS = 2000;
  private final Supplier<String> local;
  private final Supplier<List<String>> managerAddrs;
  private final String selfAddr;
  private final java.util.function.Function<String, ManagedChannel> dial;
  private volatile List<String> remote;
  private volatile long fetchedAt;
  private volatile List<String> fetchedFor = List.of();
  private CompletableFuture<Void> refreshing;
  /** Own threads: the common pool has a single thread on a 2-core machine, and these block on RPCs. */
  private static final java.util.concurrent.ExecutorService ASKERS = java.util.concurrent.Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "registry-addrs");
    t.setDaemon(true);
    return t;
  });

  /**
   * @param local this node's registry HOST:PORT, or null when it serves none
   * @param managerAddrs the managers' gRPC addresses; empty outside a swarm
   */
  ClusterRegistryAddrs(Supplier<String> local, Supplier<List<String>> managerAddrs, String selfAddr,
      java.util.function.Function<String, ManagedChannel> dial) {
    this.dial = dial;
    this.local = local;
    this.managerAddrs = managerAddrs;
    this.selfAddr = selfAddr;
  }

  @Override
  public List<String> get() {
    List<String> managers = managerAddrs.get();
    Set<String> out = new LinkedHashSet<>();
    String own = local.get();
    if (own != null) out.add(own);
    if (managers.isEmpty()) return List.copyOf(out);
    List<String> cached = remote;
    if (cached == null) {
      refresh(managers).join(); // the first ask: nothing to answer with yet
      cached = remote;
    } else if (!managers.equals(fetchedFor) || System.nanoTime() - fetchedAt > TTL_NANOS) {
      refresh(managers);
    }
    if (cached != null) out.addAll(cached);
    return List.copyOf(out);
  }

  private synchronized CompletableFuture<Void> refresh(List<String> managers) {
    if (refreshing != null && !refreshing.isDone()) return refreshing;
    refreshing = CompletableFuture.runAsync(() -> {
      List<CompletableFuture<String>> asks = new ArrayList<>();
      for (String m : managers) {
        if (!m.equals(selfAddr)) asks.add(CompletableFuture.supplyAsync(() -> ask(m), ASKERS));
      }
      List<String> found = new ArrayList<>();
      for (CompletableFuture<String> a : asks) {
        String r = a.join();
        if (!r.isEmpty() && !found.contains(r)) found.add(r);
      }
      remote = List.copyOf(found);
      fetchedFor = managers;
      fetchedAt = System.nanoTime();
    }, ASKERS);
    return refreshing;
  }

  /** The registry a manager serves, or "" when it serves none or does not answer in time. */
  private String ask(String manager) {
    ManagedChannel ch;
    try {
      ch = dial.apply(manager);
    } catch (RuntimeException e) {
      return ""; // no credentials (left the swarm meanwhile)
    }
    try {
      return MembershipGrpc.newBlockingStub(ch).withDeadlineAfter(ASK_DEADLINE_MS, TimeUnit.MILLISECONDS)
          .managerInfo(ManagerInfoRequest.getDefaultInstance()).getRegistryAddr();
    } catch (RuntimeException e) {
      return ""; // down or unreachable: left out until the next refresh
    } finally {
      ch.shutdownNow();
    }
  }
}
