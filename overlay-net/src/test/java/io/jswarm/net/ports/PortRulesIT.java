package io.jswarm.net.ports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Published ports on a real kernel, inside a throwaway "host" namespace that is set up like a Docker
 * host (iptables FORWARD policy DROP, br_netfilter on), with a task namespace on the local bridge and a
 * client namespace on the host's underlay link.
 */
@Timeout(120)
class PortRulesIT {
    private static final String HOST_IP = "10.213.101.11";
    private static final String CLIENT_IP = "10.213.101.50";

    @TempDir
    Path www;

    private final Lab lab = new Lab();
    private String host;
    private String task;
    private String client;
    private LocalBridge bridge;
    private PortRules rules;
    private String taskIp;
    private String body;

    @BeforeEach
    void setUp() {
        host = lab.netns("jph");
        task = lab.netns("jpt");
        client = lab.netns("jpc");
        lab.link(host, HOST_IP + "/24", client, CLIENT_IP + "/24");
        Lab.run(host, "iptables", "-P", "FORWARD", "DROP");
        assertEquals("1", Lab.run(host, "cat", "/proc/sys/net/bridge/bridge-nf-call-iptables").strip(),
                "these tests mean to cover br_netfilter being on in the host namespace");

        bridge = new LocalBridge(Lab.unique("jsb"), LocalBridge.DEFAULT_SUBNET, host);
        rules = new PortRules(host);
        bridge.ensure();
        bridge.ensure();
        taskIp = bridge.allocate("task-1");
        bridge.attach(Path.of("/run/netns", task), task, "eth0", taskIp, "02:42:ac:1e:00:02");
        bridge.attach(Path.of("/run/netns", task), task, "eth0", taskIp, "02:42:ac:1e:00:02");
        body = Lab.unique("hello-");
        lab.httpd(task, lab.webRoot(www, body));
        assertEquals(body, Lab.fetch(host, "http://" + taskIp + "/"));
    }

    @AfterEach
    void tearDown() {
        try {
            rules.clear();
            bridge.detach(task);
            bridge.remove();
        } finally {
            lab.close();
        }
    }

    @Test
    void hostPortAnswersOnHostAddressLoopbackAndToAClientWhoseAddressTheTaskSees() {
        rules.apply(List.of(new HostPort("tcp", "", 8080, taskIp, 80)), List.of());
        rules.apply(List.of(new HostPort("tcp", "", 8080, taskIp, 80)), List.of());

        assertEquals(body, Lab.fetch(host, "http://" + HOST_IP + ":8080/"));
        assertEquals(body, Lab.fetch(host, "http://127.0.0.1:8080/"));
        assertEquals(body, Lab.fetch(client, "http://" + HOST_IP + ":8080/"));
        assertEquals(CLIENT_IP, Lab.seenAs(client, "http://" + HOST_IP + ":8080/cgi-bin/addr"),
                "the task must see the client's own address, not the host's");
    }

    @Test
    void hostPortBoundToOneAddressIgnoresOthers() {
        rules.apply(List.of(new HostPort("tcp", HOST_IP, 8080, taskIp, 80)), List.of());
        assertEquals(body, Lab.fetch(client, "http://" + HOST_IP + ":8080/"));
        assertFalse(Lab.wget(host, "http://127.0.0.1:8080/").ok());
    }

    @Test
    void ingressPortWithALocalBackendKeepsTheClientAddress() {
        rules.apply(List.of(), List.of(new IngressPort("tcp", 30080, 80,
                List.of(taskIp), List.of("10.255.0.9"), "10.255.0.3")));
        assertEquals(CLIENT_IP, Lab.seenAs(client, "http://" + HOST_IP + ":30080/cgi-bin/addr"));
        assertEquals(body, Lab.fetch(host, "http://127.0.0.1:30080/"));
    }

    @Test
    void aTaskReachesAPortPublishedToItselfAndToItsNeighbour() {
        String neighbour = lab.netns("jpn");
        bridge.attach(Path.of("/run/netns", neighbour), neighbour, "eth0", bridge.allocate("task-2"), null);
        try {
            rules.apply(List.of(new HostPort("tcp", "", 8080, taskIp, 80)), List.of());
            assertEquals(body, Lab.fetch(task, "http://" + HOST_IP + ":8080/"));
            assertEquals(body, Lab.fetch(neighbour, "http://" + HOST_IP + ":8080/"));
        } finally {
            bridge.detach(neighbour);
        }
    }

    @Test
    void portTakenNamesOurOwnRulesAndOtherListeners() {
        assertTrue(PortRules.portTaken(host, "tcp", "", 8080).isEmpty());
        rules.apply(List.of(new HostPort("tcp", "", 8080, taskIp, 80)), List.of());
        assertTrue(PortRules.portTaken(host, "tcp", HOST_IP, 8080).orElseThrow().contains("already published"));
        assertTrue(PortRules.portTaken(host, "udp", "", 8080).isEmpty());

        lab.start(List.of("ip", "netns", "exec", host, "busybox", "nc", "-l", "-p", "9090"));
        Lab.await(Duration.ofSeconds(10), () -> PortRules.portTaken(host, "tcp", "", 9090).isPresent(),
                () -> "listener on 9090 in " + host);
        assertTrue(PortRules.portTaken(host, "tcp", "", 9090).orElseThrow().contains("already uses tcp port 9090"));
    }

    @Test
    void portTakenInTheCallersNamespaceTriesToBind() throws Exception {
        // only a loopback socket on a kernel-chosen port: the caller's namespace sees no traffic
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            var reason = PortRules.portTaken("tcp", "127.0.0.1", s.getLocalPort());
            assertTrue(reason.orElseThrow().contains("already uses tcp port " + s.getLocalPort()), reason.toString());
        }
        assertTrue(PortRules.portTaken("tcp", "192.0.2.77", 9).orElseThrow().contains("not an address of this node"));
    }

    @Test
    void teardownLeavesNoTableBridgeVethOrIptablesRule() {
        rules.apply(List.of(new HostPort("tcp", "", 8080, taskIp, 80)), List.of());
        assertTrue(Lab.run(host, "iptables", "-S", "FORWARD").contains("-o " + bridge.bridgeName() + " -j ACCEPT"));

        rules.clear();
        rules.clear();
        bridge.detach(task);
        bridge.detach(task);
        bridge.remove();
        bridge.remove();

        assertEquals("", rules.ruleset());
        String tables = Lab.run(host, "nft", "list", "tables");
        assertFalse(tables.contains("jswarm_ports") || tables.contains("jswarm_nat"), tables);
        String links = Cmd.run(List.of("ip", "-n", host, "-o", "link"));
        assertFalse(links.contains(bridge.bridgeName()) || links.contains(VethNames.bridgePort(task)), links);
        assertFalse(Cmd.run(List.of("ip", "-n", task, "-o", "link")).contains("eth0"));
        assertFalse(Lab.run(host, "iptables", "-S", "FORWARD").contains(bridge.bridgeName()));
    }
}
