package io.jswarm.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Throughput benchmark (bench/raft-store.sh; not a test): acknowledged writes per second and
 * latency with 1, 16 and 64 writers in flight on a 3-member group on loopback, RaftStore beside
 * bare Ratis (a counter state machine) on the same Ratis settings and transport, in one run.
 *
 * <p>Each writer is a closed loop: one write, wait for its acknowledgement, the next. A RaftStore
 * write is {@code update(tx -> tx.create(node))} on the leader (a ~40-byte node, one change),
 * acknowledged once applied there; a Ratis write is one async increment. Every level runs for a
 * fixed time after a warm-up, and at most {@link #MAX_WRITES} writes.
 *
 * <p>usage: RaftStoreBench [SECONDS_PER_LEVEL [LEVELS [MODES [SYSTEMS]]]], e.g.
 * {@code 5 1,16,64 tls,plain ratis,store}
 */
public final class RaftStoreBench {
  private static final int MAX_WRITES = 400_000;

  interface Writer {
    void write(int client, long seq) throws Exception;
  }

  record Figures(String system, String transport, int clients, long writes, double perSecond, double p50Ms,
      double p99Ms, String note) {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int[] levels = Arrays.stream((args.length > 1 ? args[1] : "1,16,64").split(",")).mapToInt(Integer::parseInt).toArray();
    String[] modes = (args.length > 2 ? args[2] : "tls,plain").split(",");
    List<String> systems = List.of((args.length > 3 ? args[3] : "ratis,store").split(","));
    System.out.println("group commit: " + RaftStore.GROUP_COMMIT_IN_FLIGHT + " entry in flight per member");
    Path dir = Files.createTempDirectory("raft-store-bench");
    List<Figures> all = new ArrayList<>();
    try {
      for (String mode : modes) {
        RaftTls tls = mode.equals("tls") ? BenchTls.create(dir) : null;
        if (systems.contains("ratis")) all.addAll(bareRatis(dir.resolve("ratis-" + mode), tls, mode, levels, seconds));
        if (systems.contains("store")) all.addAll(raftStore(dir.resolve("store-" + mode), tls, mode, levels, seconds));
      }
    } finally {
      deleteTree(dir);
    }
    print(all);
  }

  private static List<Figures> bareRatis(Path dir, RaftTls tls, String mode, int[] levels, int seconds) throws Exception {
    try (BareRatisGroup g = new BareRatisGroup(dir, tls)) {
      Fixtures.await("a bare Ratis leader", Duration.ofSeconds(30), () -> g.leader() != null);
      List<Figures> out = new ArrayList<>();
      for (int n : levels) {
        out.add(run("bare Ratis", mode, n, seconds, (c, i) -> g.write(), () -> ""));
      }
      return out;
    }
  }

  private static List<Figures> raftStore(Path dir, RaftTls tls, String mode, int[] levels, int seconds) throws Exception {
    List<Member> members = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      members.add(new Member("m" + i, "127.0.0.1:" + Fixtures.freePort()));
    }
    RaftStore[] stores = new RaftStore[3];
    try {
      for (int i = 0; i < 3; i++) {
        Member m = members.get(i);
        stores[i] = RaftStore.open(RaftStoreConfig.builder(dir.resolve(m.id()), m.id(), m.address())
            .initialMembers(members).build(), tls);
      }
      Fixtures.await("a RaftStore leader", Duration.ofSeconds(30), () -> Arrays.stream(stores).anyMatch(RaftStore::isLeader));
      RaftStore leader = Arrays.stream(stores).filter(RaftStore::isLeader).findFirst().orElseThrow();
      List<Figures> out = new ArrayList<>();
      for (int n : levels) {
        GroupCommit gc = leader.groupCommit();
        long[] before = {gc.entries(), gc.writes()};
        String prefix = "c" + n + "-";
        out.add(run("RaftStore", mode, n, seconds,
            (c, i) -> leader.update(tx -> tx.create(Fixtures.node(prefix + c + "-" + i))),
            () -> String.format("%.1f writes/entry", (gc.writes() - before[1]) / (double) Math.max(1, gc.entries() - before[0]))));
      }
      return out;
    } finally {
      ThreeMemberStoreTest.closeInParallel(stores);
    }
  }

  /** {@code clients} closed loops for a 1 s warm-up then {@code seconds} measured. */
  private static Figures run(String system, String mode, int clients, int seconds, Writer w,
      java.util.function.Supplier<String> note) throws Exception {
    long warmEnd = System.nanoTime() + Duration.ofSeconds(1).toNanos();
    long end = warmEnd + Duration.ofSeconds(seconds).toNanos();
    long[] latencies = new long[MAX_WRITES];
    AtomicInteger recorded = new AtomicInteger();
    AtomicLong firstMeasured = new AtomicLong(Long.MAX_VALUE);
    AtomicLong lastMeasured = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    String[] noteAtStart = new String[1];
    CountDownLatch done = new CountDownLatch(clients);
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int client = c;
      Thread t = new Thread(() -> {
        try {
          for (long i = 0; ; i++) {
            long t0 = System.nanoTime();
            if (t0 > end) break;
            try {
              w.write(client, i);
            } catch (Exception e) {
              failures.incrementAndGet();
              continue;
            }
            long t1 = System.nanoTime();
            if (t0 >= warmEnd && t1 <= end) {
              int k = recorded.getAndIncrement();
              if (k >= MAX_WRITES) break;
              latencies[k] = t1 - t0;
              firstMeasured.accumulateAndGet(t0, Math::min);
              lastMeasured.accumulateAndGet(t1, Math::max);
            }
          }
        } finally {
          done.countDown();
        }
      }, "bench-" + c);
      t.setDaemon(true);
      threads.add(t);
    }
    threads.forEach(Thread::start);
    done.await();
    int n = Math.min(recorded.get(), MAX_WRITES);
    long[] lat = Arrays.copyOf(latencies, n);
    Arrays.sort(lat);
    double secs = Math.max(1, lastMeasured.get() - firstMeasured.get()) / 1e9;
    String extra = note.get() + (failures.get() > 0 ? " " + failures.get() + " failed" : "");
    Figures f = new Figures(system, mode, clients, n, n / secs, pct(lat, 0.50), pct(lat, 0.99), extra);
    System.out.printf("  %-10s %-5s %3d in flight: %8.0f writes/s  p50 %6.2f ms  p99 %7.2f ms  %s%n",
        system, mode, clients, f.perSecond(), f.p50Ms(), f.p99Ms(), extra);
    return f;
  }

  private static double pct(long[] sorted, double q) {
    if (sorted.length == 0) return Double.NaN;
    return sorted[Math.min(sorted.length - 1, (int) (q * sorted.length))] / 1e6;
  }

  private static void print(List<Figures> all) {
    System.out.println();
    System.out.printf("%-10s %-5s %9s %10s %9s %9s %14s  %s%n", "system", "tls", "in flight", "writes/s", "p50 ms",
        "p99 ms", "store/Ratis", "");
    for (Figures f : all) {
      String ratio = "";
      if (f.system().equals("RaftStore")) {
        ratio = all.stream().filter(o -> o.system().equals("bare Ratis") && o.transport().equals(f.transport())
                && o.clients() == f.clients())
            .findFirst().map(o -> o.perSecond() > 0 ? String.format("%.2fx", f.perSecond() / o.perSecond()) : "n/a")
            .orElse("");
      }
      System.out.printf("%-10s %-5s %9d %10.0f %9.2f %9.2f %14s  %s%n", f.system(), f.transport(), f.clients(),
          f.perSecond(), f.p50Ms(), f.p99Ms(), ratio, f.note());
    }
  }

  private static void deleteTree(Path dir) throws java.io.IOException {
    try (var walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
