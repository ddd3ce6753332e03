package io.jswarm.chaos;

import static org.junit.jupiter.api.Assertions.*;

import io.jswarm.api.GetNetworkRequest;
import io.jswarm.api.GetServiceRequest;
import io.jswarm.api.ListTasksRequest;
import io.jswarm.api.Network;
import io.jswarm.api.Task;
import io.jswarm.api.TaskState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Overlay networks on the lab (one manager h1, workers h2 and h3): a web service on h2 reached
 * by name from a client on h3 over kernel VXLAN, DNS for SERVICE and tasks.SERVICE, VIP spreading,
 * isolation between networks, tunnel entries following a killed worker, host-mode ports, and
 * nothing left behind after rm. Checks run inside the tasks' own network namespaces
 * (`ip netns exec` on the task's host), asking the worker's DNS server explicitly; the client
 * service's logs show that the containers' own resolv.conf works too.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class OverlayNetworkIT {
  static Lab lab;
  static Api api;
  static final Map<String, String> NODES = new HashMap<>(); // host → node id
  static final String WEB = "sh -c 'mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 80 -h /www'";

  @BeforeAll
  static void up() {
    lab = new Lab(OverlayNetworkIT.class);
    lab.up(1, 2);
    api = new Api(lab);
    Lab.await(Duration.ofSeconds(60), () -> lab.jswarm("h1", "node", "ls").out().lines()
        .filter(l -> l.contains("Ready")).count() == 3, "3 nodes Ready");
    for (String h : List.of("h1", "h2", "h3")) {
      Lab.await(Duration.ofSeconds(30), () -> api.info(h).isPresent(), "info from " + h);
      NODES.put(h, api.info(h).orElseThrow().getNodeId());
    }
  }

  @AfterAll
  static void down() {
    if (api != null) api.close();
    if (lab != null) lab.close();
  }

  static List<Task> running(String service) {
    List<Task> out = new ArrayList<>();
    for (Task t : api.control("h1", 5_000).listTasks(ListTasksRequest.newBuilder().addServiceRefs(service).build()).getTasksList()) {
      if (t.getDesiredState() == TaskState.RUNNING && t.getStatus().getState() == TaskState.RUNNING) out.add(t);
    }
    return out;
  }

  static String hostOf(Task t) {
    return NODES.entrySet().stream().filter(e -> e.getValue().equals(t.getNodeId())).findFirst().orElseThrow().getKey();
  }

  /** The network namespace of a task on its host ("<node tag>-<task id>"). */
  static String ns(Task t) {
    String list = lab.sh(hostOf(t), "ip netns list").out();
    return list.lines().map(l -> l.split(" ")[0]).filter(n -> n.endsWith("-" + t.getId())).findFirst()
        .orElseThrow(() -> new AssertionError("no network namespace for task " + t.getId() + " in:\n" + list));
  }

  static Lab.Result inTask(Task t, String cmd) {
    return lab.sh(hostOf(t), "ip netns exec " + ns(t) + " " + cmd);
  }

  static String addr(Task t, String networkId) {
    return t.getNetworksList().stream().filter(a -> a.getNetworkId().equals(networkId)).findFirst().orElseThrow()
        .getAddress().split("/")[0];
  }

  static Network network(String name) {
    return api.control("h1", 5_000).getNetwork(GetNetworkRequest.newBuilder().setRef(name).build());
  }

  /** A-records busybox nslookup printed for NAME from the DNS server at GW. */
  static Set<String> lookup(Task from, String name, String gw) {
    String out = inTask(from, "busybox nslookup " + name + " " + gw).out();
    Set<String> ips = new HashSet<>();
    boolean answers = false;
    for (String l : out.lines().toList()) {
      if (l.startsWith("Name:")) answers = true;
      if (answers && l.startsWith("Address")) ips.add(l.replaceAll("^Address( \\d+)?:\\s*", "").split(" ")[0].trim());
    }
    return ips;
  }

  @Test
  @Order(1)
  void badNetworkInputIsRefusedAndChangesNothing() {
    var bad = lab.jswarm("h1", "network", "create", "-d", "overlay", "--subnet", "10.30.0.0/33", "x1");
    assertNotEquals(0, bad.exit());
    assertTrue(bad.all().contains("prefix length"), bad.all());
    lab.jswarmOk("h1", "network", "create", "-d", "overlay", "--subnet", "10.40.0.0/16", "wide");
    var overlap = lab.jswarm("h1", "network", "create", "-d", "overlay", "--subnet", "10.40.3.0/24", "narrow");
    assertTrue(overlap.all().contains("overlaps 10.40.0.0/16"), overlap.all());
    var enc = lab.jswarm("h1", "network", "create", "-d", "overlay", "--opt", "encrypted", "secret");
    assertNotEquals(0, enc.exit());
    assertTrue(enc.all().contains("not implemented yet"), enc.all());
    var unknown = lab.jswarm("h1", "service", "create", "-d", "--name", "lost", "--network", "nope", "busybox", "sleep", "60");
    assertTrue(unknown.all().contains("network nope not found"), unknown.all());
    var dup = lab.jswarm("h1", "network", "create", "-d", "overlay", "wide");
    assertTrue(dup.all().contains("already exists"), dup.all());
    String ls = lab.jswarmOk("h1", "network", "ls").out();
    assertTrue(ls.contains("wide") && !ls.contains("narrow") && !ls.contains("secret") && !ls.contains("x1"), ls);
    assertFalse(lab.jswarmOk("h1", "service", "ls").out().contains("lost"));
    lab.jswarmOk("h1", "network", "rm", "wide");
  }

  @Test
  @Order(2)
  void serviceNamesResolveAndVipSpreadsAcrossHosts() {
    lab.jswarmOk("h1", "network", "create", "-d", "overlay", "front");
    Network front = network("front");
    lab.jswarmOk("h1", "service", "create", "-d", "--name", "web", "--network", "front", "--replicas", "2",
        "--constraint", "node.hostname==" + lab.nodeName("h2"), "--stop-grace-period", "0s", "busybox", "sh", "-c",
        "mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 80 -h /www");
    lab.jswarmOk("h1", "service", "create", "-d", "--name", "client", "--network", "front",
        "--constraint", "node.hostname==" + lab.nodeName("h3"), "--stop-grace-period", "0s", "busybox", "sh", "-c",
        "while true; do timeout 3 wget -q -O- http://web/ && echo got-it; sleep 1; done");
    Lab.await(Duration.ofSeconds(90), () -> running("web").size() == 2 && running("client").size() == 1, "web x2 and client running");
    Task client = running("client").get(0);
    assertEquals("h3", hostOf(client));
    Set<String> webIps = running("web").stream().map(t -> addr(t, front.getId())).collect(Collectors.toSet());
    String vip = api.control("h1", 5_000).getService(GetServiceRequest.newBuilder().setRef("web").build())
        .getEndpoint().getVirtualIps(0).getAddr().split("/")[0];

    Lab.await(Duration.ofSeconds(30), () -> lookup(client, "web", front.getGateway()).equals(Set.of(vip)), "web → its VIP " + vip);
    Lab.await(Duration.ofSeconds(30), () -> lookup(client, "tasks.web", front.getGateway()).equals(webIps), "tasks.web → " + webIps);
    // the container's own resolv.conf: the client's loop fetched http://web/ by name
    Lab.await(Duration.ofSeconds(60), () -> lab.jswarm("h1", "service", "logs", "client").all().contains("got-it"),
        "the client service reached http://web/ by name");
    // Every replica answers on its own address across the tunnel, and the VIP spreads connections.
    Set<String> names = new HashSet<>();
    for (String ip : webIps) {
      var r = inTask(client, "timeout 3 busybox wget -q -O- http://" + ip + "/");
      assertTrue(r.ok(), "replica " + ip + " answers over the overlay: " + r.all());
      names.add(r.out().trim());
    }
    assertEquals(2, names.size(), "two distinct replicas: " + names);
    Set<String> viaVip = new HashSet<>();
    for (int i = 0; i < 12 && viaVip.size() < 2; i++) {
      var r = inTask(client, "timeout 3 busybox wget -q -O- http://" + vip + "/");
      assertTrue(r.ok(), "the VIP answers: " + r.all());
      viaVip.add(r.out().trim());
    }
    assertEquals(names, viaVip, "connections to the VIP reached every replica");
  }

  @Test
  @Order(3)
  void scaleDownRemovesTheAddressFromDnsAndTheWire() {
    Network front = network("front");
    Task client = running("client").get(0);
    Set<String> before = running("web").stream().map(t -> addr(t, front.getId())).collect(Collectors.toSet());
    lab.jswarmOk("h1", "service", "scale", "-d", "web=1");
    Lab.await(Duration.ofSeconds(60), () -> running("web").size() == 1
        && lookup(client, "tasks.web", front.getGateway()).size() == 1, "tasks.web has one address");
    Set<String> gone = new HashSet<>(before);
    gone.removeAll(lookup(client, "tasks.web", front.getGateway()));
    assertEquals(1, gone.size());
    String removed = gone.iterator().next();
    Lab.await(Duration.ofSeconds(30), () -> !inTask(client, "timeout 3 busybox wget -q -O- http://" + removed + "/").ok(),
        "the removed replica's address " + removed + " stops answering");
  }

  @Test
  @Order(4)
  void networksAreIsolatedAndATaskOnBothReachesBoth() {
    Network front = network("front");
    lab.jswarmOk("h1", "network", "create", "-d", "overlay", "back");
    Network back = network("back");
    lab.jswarmOk("h1", "service", "create", "-d", "--name", "db", "--network", "back",
        "--constraint", "node.hostname==" + lab.nodeName("h2"), "--stop-grace-period", "0s", "busybox", "sh", "-c", "mkdir -p /www && echo db > /www/index.html && exec httpd -f -p 80 -h /www");
    lab.jswarmOk("h1", "service", "create", "-d", "--name", "both", "--network", "front", "--network", "back",
        "--constraint", "node.hostname==" + lab.nodeName("h3"), "--stop-grace-period", "0s", "busybox", "sleep", "3600");
    Lab.await(Duration.ofSeconds(90), () -> running("db").size() == 1 && running("both").size() == 1, "db and both running");
    String dbIp = addr(running("db").get(0), back.getId());
    String webIp = addr(running("web").get(0), front.getId());
    Task both = running("both").get(0);
    Task client = running("client").get(0);
    try {
      Lab.await(Duration.ofSeconds(45), () -> inTask(both, "timeout 3 busybox wget -q -O- http://" + dbIp + "/").out().contains("db"), "both → db on back");
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n" + wiring(), e);
    }
    Lab.await(Duration.ofSeconds(30), () -> inTask(both, "timeout 3 busybox wget -q -O- http://" + webIp + "/").ok(), "both → web on front");
    assertFalse(inTask(client, "timeout 3 busybox wget -q -O- http://" + dbIp + "/").ok(), "client on front only cannot reach db on back");
    assertTrue(lookup(client, "db", front.getGateway()).isEmpty(), "front's DNS does not know back's services");
  }

  /** Every namespace's addresses, neighbours and tunnel entries on h2 and h3, for failure messages. */
  static String wiring() {
    String dump = "for n in $(ip netns list | cut -d' ' -f1); do echo == $n; ip -n $n -4 -o addr; ip -n $n neigh; bridge -n $n fdb show | grep dst; done";
    return "h3:\n" + lab.sh("h3", dump).out() + "\nh2:\n" + lab.sh("h2", dump).out()
        + "\ntasks:\n" + lab.jswarm("h1", "service", "ps", "web", "client", "db", "both").out();
  }

  /** Remote MACs in h3's tunnel table for the network, with how often each appears. */
  static Map<String, Long> fdb(String host, Network n) {
    // /run/netns is the machine's: every lab host's sandboxes are listed, so pick this host's by its tag
    String sandbox = tag(host) + "-n" + n.getVni();
    String out = lab.sh(host, "bridge -n " + sandbox + " fdb show dev vx-" + n.getVni()).out();
    return out.lines().filter(l -> l.contains(" dst ")).map(l -> l.split(" ")[0] + "@" + l.replaceAll(".* dst (\\S+).*", "$1"))
        .collect(Collectors.groupingBy(x -> x, Collectors.counting()));
  }

  /** The prefix of a lab host's namespace names (written by its daemon). */
  static String tag(String host) {
    return lab.sh(host, "cat " + lab.dir() + "/" + host + "/data/net/tag").out().trim();
  }

  @Test
  @Order(5)
  void aKilledWorkersEntriesLeaveAndComeBackOnceWithoutDuplicates() {
    Network front = network("front");
    String h2ip = lab.ip("h2");
    Lab.await(Duration.ofSeconds(30), () -> fdb("h3", front).keySet().stream().anyMatch(k -> k.endsWith("@" + h2ip)), "h3 tunnels to h2");
    lab.kill("h2");
    Lab.await(Duration.ofSeconds(30), () -> fdb("h3", front).keySet().stream().noneMatch(k -> k.endsWith("@" + h2ip)),
        "h2's endpoints left h3's tunnel table once h2 went Down");
    lab.start("h2");
    Lab.await(Duration.ofSeconds(90), () -> running("web").size() == 1 && running("db").size() == 1, "tasks running again");
    Lab.await(Duration.ofSeconds(60), () -> fdb("h3", front).keySet().stream().anyMatch(k -> k.endsWith("@" + h2ip)), "h3 tunnels to h2 again");
    Map<String, Long> entries = fdb("h3", front);
    assertTrue(entries.values().stream().allMatch(c -> c == 1), "no duplicate entries: " + entries);
    String webIp = addr(running("web").get(0), front.getId());
    Task client = running("client").get(0);
    try {
      Lab.await(Duration.ofSeconds(30), () -> inTask(client, "timeout 3 busybox wget -q -O- http://" + webIp + "/").ok(), "web reachable again");
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + " at " + webIp + "\n" + wiring(), e);
    }
  }

  @Test
  @Order(6)
  void hostModePortAnswersOnItsNode() {
    lab.jswarmOk("h1", "service", "create", "-d", "--name", "pub", "--publish", "published=8080,target=80,mode=host",
        "--constraint", "node.hostname==" + lab.nodeName("h2"), "--stop-grace-period", "0s", "busybox", "sh", "-c",
        "mkdir -p /www && echo published > /www/index.html && exec httpd -f -p 80 -h /www");
    Lab.await(Duration.ofSeconds(60), () -> running("pub").size() == 1, "pub running");
    Lab.await(Duration.ofSeconds(30), () -> lab.sh("h3", "timeout 3 busybox wget -q -O- http://" + lab.ip("h2") + ":8080/").out().contains("published"),
        "h2:8080 answers from another host");
    assertTrue(lab.jswarmOk("h1", "service", "ps", "pub").out().contains(":8080->80/tcp"));
    // The port is taken on h2: a second service that needs it there is not placed, and says why.
    lab.jswarmOk("h1", "service", "create", "-d", "--name", "pub2", "--publish", "published=8080,target=80,mode=host",
        "--constraint", "node.hostname==" + lab.nodeName("h2"), "busybox", "sleep", "3600");
    Lab.await(Duration.ofSeconds(30), () -> lab.jswarm("h1", "service", "ps", "--no-trunc", "pub2").out().contains("host port tcp/8080 in use"),
        "pub2 pending because h2's port 8080 is taken");
    assertTrue(running("pub2").isEmpty());
    lab.jswarmOk("h1", "service", "rm", "pub2");
  }

  /** busybox httpd answering /cgi-bin/ip with the client address it sees (CGI's REMOTE_ADDR). */
  static final String WHO_ASKS = "mkdir -p /www/cgi-bin && echo '#!/bin/sh' > /www/cgi-bin/ip"
      + " && echo 'echo Content-Type: text/plain; echo; echo \"$REMOTE_ADDR\"' >> /www/cgi-bin/ip && chmod +x /www/cgi-bin/ip"
      + " && hostname > /www/index.html && exec httpd -f -p 80 -h /www";

  @Test
  @Order(7)
  void ingressPortAnswersOnEveryNodeAndLocalReplicasSeeTheClient() {
    // The short form publishes through the routing mesh, as in Docker.
    lab.jswarmOk("h1", "service", "create", "-d", "--name", "mesh", "-p", "8081:80",
        "--constraint", "node.hostname==" + lab.nodeName("h2"), "--stop-grace-period", "0s", "busybox", "sh", "-c", WHO_ASKS);
    Lab.await(Duration.ofSeconds(60), () -> running("mesh").size() == 1, "mesh running");
    for (String via : List.of("h1", "h2", "h3")) {
      String url = "http://" + lab.ip(via) + ":8081/cgi-bin/ip";
      String client = via.equals("h3") ? "h1" : "h3";
      Lab.await(Duration.ofSeconds(30), () -> lab.sh(client, "timeout 3 busybox wget -q -O- " + url).ok(),
          client + " → " + via + ":8081 (ingress) answers");
    }
    // A node with a replica hands the connection to it without SNAT: the task sees the real client.
    // busybox httpd prints an IPv4-mapped IPv6 address: [::ffff:10.213.0.13]
    String seen = lab.sh("h3", "timeout 3 busybox wget -q -O- http://" + lab.ip("h2") + ":8081/cgi-bin/ip").out().trim()
        .replaceAll("^\\[(::ffff:)?|\\]$", "");
    assertEquals(lab.ip("h3"), seen, "a local replica sees the client's own address");
    // A node without one forwards over the ingress overlay and SNATs to its own ingress address.
    String h1Leg = api.control("h1", 5_000).getNode(io.jswarm.api.GetNodeRequest.newBuilder().setRef(NODES.get("h1")).build())
        .getIngress().getAddress().split("/")[0];
    String viaH1 = lab.sh("h3", "timeout 3 busybox wget -q -O- http://" + lab.ip("h1") + ":8081/cgi-bin/ip").out().trim()
        .replaceAll("^\\[(::ffff:)?|\\]$", "");
    assertEquals(h1Leg, viaH1, "forwarded by h1 over the ingress overlay, SNATed to h1's ingress address");
    var taken = lab.jswarm("h1", "service", "create", "-d", "--name", "mesh2", "-p", "8081:80", "busybox", "sleep", "60");
    assertTrue(taken.all().contains("port 8081/tcp is already published by another service"), taken.all());
    String ls = lab.jswarmOk("h1", "service", "ls").out();
    assertTrue(ls.lines().anyMatch(l -> l.contains("mesh") && l.contains("*:8081->80/tcp")), ls);
    // Scaled to two replicas on h2 and h3: each node serves its own; h1 spreads over both.
    lab.jswarmOk("h1", "service", "update", "-d", "--constraint-rm", "node.hostname==" + lab.nodeName("h2"),
        "--constraint-add", "node.role==worker", "--replicas-max-per-node", "1", "--replicas", "2", "mesh");
    Lab.await(Duration.ofSeconds(60), () -> running("mesh").stream().map(OverlayNetworkIT::hostOf).collect(Collectors.toSet())
        .equals(Set.of("h2", "h3")), "mesh on h2 and h3");
    Set<String> names = new HashSet<>();
    Lab.await(Duration.ofSeconds(30), () -> {
      names.add(lab.sh("h2", "timeout 3 busybox wget -q -O- http://" + lab.ip("h1") + ":8081/").out().trim());
      return names.size() >= 2;
    }, "h1's ingress port reaches both replicas, got " + names);
    // Ports change in place with service update; the old one stops answering everywhere.
    lab.jswarmOk("h1", "service", "update", "-d", "--publish-rm", "8081:80", "--publish-add", "8082:80", "mesh");
    Lab.await(Duration.ofSeconds(60), () -> lab.sh("h2", "timeout 3 busybox wget -q -O- http://" + lab.ip("h1") + ":8082/").ok(),
        "the added port 8082 answers on h1");
    Lab.await(Duration.ofSeconds(30), () -> !lab.sh("h2", "timeout 3 busybox wget -q -O- http://" + lab.ip("h3") + ":8081/").ok(),
        "the removed port 8081 stops answering");
    var bad = lab.jswarm("h1", "service", "update", "-d", "--publish-rm", "9999", "mesh");
    assertTrue(bad.all().contains("does not publish 9999"), bad.all());
  }

  @Test
  @Order(8)
  void portsWithoutANumberComeFromTheSwarmsDynamicRange() {
    var badRange = lab.jswarm("h1", "swarm", "update", "--dynamic-port-range", "9-3");
    assertTrue(badRange.all().contains("port range"), badRange.all());
    lab.jswarmOk("h1", "swarm", "update", "--dynamic-port-range", "31000-31000");
    lab.jswarmOk("h1", "service", "create", "-d", "--name", "dyn", "-p", "80", "--stop-grace-period", "0s", "busybox", "sleep", "3600");
    assertTrue(lab.jswarmOk("h1", "service", "ls").out().lines().anyMatch(l -> l.contains("dyn") && l.contains("*:31000->80/tcp")));
    var full = lab.jswarm("h1", "service", "create", "-d", "--name", "dyn2", "-p", "80", "busybox", "sleep", "3600");
    assertTrue(full.all().contains("no free port left in the dynamic range 31000-31000"), full.all());
    assertFalse(lab.jswarmOk("h1", "service", "ls").out().contains("dyn2"));
    lab.jswarmOk("h1", "swarm", "update", "--dynamic-port-range", "30000-32767");
  }

  @Test
  @Order(9)
  void removingServicesAndNetworksLeavesNothing() {
    var inUse = lab.jswarm("h1", "network", "rm", "front");
    assertTrue(inUse.all().contains("in use"), inUse.all());
    for (String s : List.of("web", "client", "db", "both", "pub", "mesh", "dyn")) lab.jswarmOk("h1", "service", "rm", s);
    Lab.await(Duration.ofSeconds(60), () -> lab.jswarm("h1", "network", "rm", "front", "back").ok(), "networks removed");
    for (String h : List.of("h2", "h3")) {
      String tag = tag(h);
      Lab.await(Duration.ofSeconds(30), () -> lab.sh(h, "ip netns list").out().lines().noneMatch(l -> l.startsWith(tag + "-")),
          h + ": no task or sandbox namespace left");
      String rules = lab.sh(h, "nft list table ip jswarm_ports 2>/dev/null || true").out();
      assertFalse(rules.contains("dnat"), h + ": no published-port rule left: " + rules);
      String links = lab.sh(h, "ip -o link").out();
      assertFalse(links.lines().anyMatch(l -> l.contains("@") && l.contains("master jsbr")), h + ": no veth left: " + links);
    }
    for (String h : List.of("h1", "h2", "h3")) {
      String leg = tag(h) + "-ig";
      Lab.await(Duration.ofSeconds(30), () -> !lab.sh(h, "ip -o link").out().contains(leg), h + ": the ingress leg is gone");
      Lab.await(Duration.ofSeconds(30), () -> !lab.sh(h, "nft list table ip jswarm_ports 2>/dev/null || true").out().contains("dnat"),
          h + ": no ingress rule left");
    }
  }
}
