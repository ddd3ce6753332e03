package io.jswarm.net;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Two "lab hosts" on one machine: namespaces hA and hB joined by a veth as the underlay
 * (10.250.X.1 and .2, X random), an OverlayDataPath in each, and one container namespace per host.
 * Every name starts with a random prefix so runs never collide, and {@link #close} deletes every
 * namespace with that prefix and ends every process the test started, whatever state it got to.
 */
final class TwoHosts implements AutoCloseable {
  static final int VXLAN_PORT = 4789;

  final String prefix = "jt" + Integer.toHexString(0x10000 + ThreadLocalRandom.current().nextInt(0xF0000));
  final int x = 1 + ThreadLocalRandom.current().nextInt(254);
  final String ipA = "10.250." + x + ".1";
  final String ipB = "10.250." + x + ".2";
  final String hostA = prefix + "-ha";
  final String hostB = prefix + "-hb";
  final String ctA = prefix + "-ca";
  final String ctB = prefix + "-cb";
  final OverlayDataPath dpA;
  final OverlayDataPath dpB;
  final NetworkConfig net;
  private final List<Process> started = new ArrayList<>();

  TwoHosts() {
    int vni = 10_000 + ThreadLocalRandom.current().nextInt(100_000);
    net = new NetworkConfig("itnet", vni, "10.0.9.0/24", "10.0.9.1", 1450);
    dpA = new OverlayDataPath(prefix + "a", ipA, VXLAN_PORT, hostA);
    dpB = new OverlayDataPath(prefix + "b", ipB, VXLAN_PORT, hostB);
    try {
      for (String ns : List.of(hostA, hostB, ctA, ctB)) {
        Netns.create(ns);
      }
      IpCommands.ip(hostA, "link", "add", "u0", "type", "veth", "peer", "name", "u0", "netns", hostB);
      IpCommands.ipBatch(hostA, List.of("link set lo up", "addr add " + ipA + "/24 dev u0", "link set u0 up"));
      IpCommands.ipBatch(hostB, List.of("link set lo up", "addr add " + ipB + "/24 dev u0", "link set u0 up"));
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Both hosts with the network, one container each (.2 on A, .3 on B), peers programmed. */
  void connectContainers() {
    dpA.ensureNetwork(net);
    dpB.ensureNetwork(net);
    dpA.attach(net, Netns.path(ctA), "eth0", "10.0.9.2", Endpoint.macFor("10.0.9.2"), true);
    dpB.attach(net, Netns.path(ctB), "eth0", "10.0.9.3", Endpoint.macFor("10.0.9.3"), true);
    dpA.syncPeers(net.vni(), List.of(Endpoint.of("10.0.9.3", ipB)));
    dpB.syncPeers(net.vni(), List.of(Endpoint.of("10.0.9.2", ipA)));
  }

  /** Runs a command inside a namespace and returns its result. */
  static IpCommands.Result exec(String netns, Duration timeout, String... cmd) {
    List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", netns));
    argv.addAll(List.of(cmd));
    return IpCommands.run(argv, null, timeout);
  }

  /** True as soon as the command succeeds, false if it has not by the deadline. */
  static boolean eventually(Duration within, java.util.function.BooleanSupplier ok) {
    long deadline = System.nanoTime() + within.toNanos();
    do {
      if (ok.getAsBoolean()) {
        return true;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L); // poll interval, bounded by the deadline
    } while (System.nanoTime() < deadline);
    return false;
  }

  static boolean ping(String fromNs, String ip) {
    return exec(fromNs, Duration.ofSeconds(5), "busybox", "ping", "-c", "1", "-W", "1", ip).ok();
  }

  /** Starts a long-running process inside a namespace; close() ends it. */
  Process background(String netns, String... cmd) throws java.io.IOException {
    List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", netns));
    argv.addAll(List.of(cmd));
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    started.add(p);
    return p;
  }

  @Override
  public void close() {
    for (Process p : started) {
      p.destroyForcibly();
      try {
        p.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    // Sandboxes' VXLAN devices first, so their VNIs are released before the namespaces go.
    for (OverlayDataPath dp : new OverlayDataPath[] {dpA, dpB}) {
      if (dp != null) {
        for (int vni : dp.sandboxes()) {
          dp.removeNetwork(vni);
        }
      }
    }
    for (String ns : Netns.list(prefix)) {
      Netns.delete(ns);
    }
  }
}
