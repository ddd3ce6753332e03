package io.jswarm.net.ports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jswarm.net.NetnsSockets;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a task on the local bridge can reach on its node, before and after {@link NodeGuard}'s
 * tables, on throwaway namespaces: a "host" with the bridge and two tasks (br_netfilter on, as
 * in a fresh namespace). "Before" is shown by deleting the guard's table, "after" by putting it
 * back with {@link LocalBridge#ensure}.
 */
@Timeout(120)
class NodeGuardIT {
    private static final String HOST_IP = "10.213.102.11";
    private static final String CLIENT_IP = "10.213.102.50";
    private static final int CLUSTER_PORT = 2377;

    @TempDir
    Path www;

    private final Lab lab = new Lab();
    private String host;
    private String task1;
    private String task2;
    private LocalBridge bridge;
    private String ip2;

    @BeforeEach
    void setUp() {
        host = lab.netns("jgh");
        task1 = lab.netns("jg1");
        task2 = lab.netns("jg2");
        String client = lab.netns("jgc");
        lab.link(host, HOST_IP + "/24", client, CLIENT_IP + "/24");
        bridge = new LocalBridge(Lab.unique("jsg"), LocalBridge.DEFAULT_SUBNET, host);
        bridge.ensure();
        bridge.attach(Path.of("/run/netns", task1), task1, "eth0", bridge.allocate("t1"), null);
        ip2 = bridge.allocate("t2");
        bridge.attach(Path.of("/run/netns", task2), task2, "eth0", ip2, null);
        lab.httpd(task2, lab.webRoot(www, "task2"));
        assertEquals("task2", Lab.fetch(host, "http://" + ip2 + "/"), "the node reaches its tasks");
    }

    @AfterEach
    void tearDown() {
        try {
            bridge.detach(task1);
            bridge.detach(task2);
            bridge.remove();
            String tables = Lab.run(host, "nft", "list", "tables");
            assertFalse(tables.contains(NodeGuard.BRIDGE_TABLE) || tables.contains(NodeGuard.ISOLATION_TABLE), tables);
        } finally {
            lab.close();
        }
    }

    private void without(String family, String table) {
        Lab.run(host, "nft", "delete", "table", family, table);
    }

    @Test
    void tasksOnTheBridgeDoNotReachEachOtherButStillReachAPortPublishedByTheOther() {
        assertFalse(Lab.wget(task1, "http://" + ip2 + "/").ok(), "task1 reached task2 over the bridge");
        without("bridge", NodeGuard.ISOLATION_TABLE);
        assertEquals("task2", Lab.fetch(task1, "http://" + ip2 + "/"), "before: the flat bridge lets them talk");
        bridge.ensure();
        assertFalse(Lab.wget(task1, "http://" + ip2 + "/").ok(), "after ensure, isolated again");
        PortRules rules = new PortRules(host);
        try {
            rules.apply(List.of(new HostPort("tcp", "", 8080, ip2, 80)), List.of());
            assertEquals("task2", Lab.fetch(task1, "http://" + HOST_IP + ":8080/"), "a published port stays reachable");
            assertEquals("task2", Lab.fetch(task2, "http://" + HOST_IP + ":8080/"), "also from the task behind it");
        } finally {
            rules.clear();
        }
    }

    @Test
    void aTaskDoesNotReachTheNodesClusterPortOnAnyAddress() {
        lab.start(List.of("ip", "netns", "exec", host, "busybox", "httpd", "-f", "-p", String.valueOf(CLUSTER_PORT),
                "-h", www.toString()));
        Lab.fetch(host, "http://127.0.0.1:" + CLUSTER_PORT + "/"); // listening
        for (String addr : List.of(bridge.gateway(), HOST_IP)) {
            assertFalse(Lab.wget(task1, "http://" + addr + ":" + CLUSTER_PORT + "/").ok(), "task reached " + addr);
        }
        assertTrue(Lab.wget(task1, "http://" + ip2 + "/").out().isEmpty());
        without("ip", NodeGuard.BRIDGE_TABLE);
        assertEquals("task2", Lab.fetch(task1, "http://" + bridge.gateway() + ":" + CLUSTER_PORT + "/"),
                "before: the gateway serves the node's ports to its tasks");
        bridge.ensure();
        assertFalse(Lab.wget(task1, "http://" + bridge.gateway() + ":" + CLUSTER_PORT + "/").ok());
        assertTrue(Lab.run(task1, "busybox", "ping", "-c", "1", "-W", "2", bridge.gateway()).contains("1 packets received"),
                "ping of the gateway stays allowed");
    }

    /**
     * The CVE-2020-8558 path: a packet for 127.0.0.1 sent to the gateway's MAC. A task with
     * CAP_NET_RAW writes such packets by hand; here the task's namespace gets a route that does the
     * same (its own 127/8 taken off lo, route_localnet on its eth0).
     */
    @Test
    void aTaskDoesNotReachAServiceBoundTo127001OnTheNode() throws Exception {
        Lab.run(task1, "ip", "route", "del", "127.0.0.0/8", "dev", "lo", "table", "local");
        Lab.run(task1, "ip", "route", "del", "127.0.0.1", "dev", "lo", "table", "local");
        Lab.run(task1, "sysctl", "-q", "-w", "net.ipv4.conf.eth0.route_localnet=1");
        Lab.run(task1, "ip", "route", "add", "127.0.0.1/32", "via", bridge.gateway(), "dev", "eth0");
        try (DatagramChannel listener = NetnsSockets.openUdp(Path.of("/run/netns", host), new InetSocketAddress("127.0.0.1", 0))) {
            listener.configureBlocking(false);
            int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
            assertFalse(received(listener, port), "after: 127.0.0.1 on the node reached from a task");
            without("ip", NodeGuard.BRIDGE_TABLE);
            assertTrue(received(listener, port), "before: route_localnet on the bridge lets the datagram in");
            bridge.ensure();
            assertFalse(received(listener, port), "after ensure: dropped again");
        }
    }

    /** Sends a datagram from task1 every ~0.2 s for up to 3 s; true once one arrives. */
    private boolean received(DatagramChannel listener, int port) throws Exception {
        ByteBuffer buf = ByteBuffer.allocate(64);
        while (listener.receive(buf) != null) {
            buf.clear(); // drain what an earlier step let in
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (System.nanoTime() < deadline) {
            Lab.run(task1, "bash", "-c", "echo x > /dev/udp/127.0.0.1/" + port); // busybox nc has no UDP
            for (int i = 0; i < 10; i++) { // up to 0.2 s for the datagram, polled
                if (listener.receive(buf) != null) return true;
                Thread.sleep(20);
            }
        }
        return false;
    }
}
