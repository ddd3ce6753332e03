package io.jswarm.net.ports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ingress port whose backends all run on other nodes. A namespace with a bridge {@code br0} stands in
 * for the ingress network's sandbox, and two "remote task" namespaces plugged into it stand in for tasks
 * reached over VXLAN: they have no route to the client, exactly like a task on another node.
 */
@Timeout(120)
class IngressIT {
    private static final String HOST_IP = "10.213.101.11";
    private static final String CLIENT_IP = "10.213.101.50";
    private static final String NODE_INGRESS_IP = "10.255.0.3";

    @TempDir
    Path tmp;

    private final Lab lab = new Lab();
    private String host;
    private String client;
    private String sandbox;
    private String leg;
    private IngressSandbox ingress;
    private PortRules rules;

    @BeforeEach
    void setUp() throws Exception {
        host = lab.netns("jih");
        client = lab.netns("jic");
        sandbox = lab.netns("jis");
        lab.link(host, HOST_IP + "/24", client, CLIENT_IP + "/24");
        Lab.run(host, "iptables", "-P", "FORWARD", "DROP");
        Cmd.run(List.of("ip", "-n", sandbox, "link", "add", "br0", "type", "bridge"));
        Cmd.run(List.of("ip", "-n", sandbox, "link", "set", "br0", "up"));
        remoteTask("10.255.0.5", "backend-5");
        remoteTask("10.255.0.6", "backend-6");

        leg = Lab.unique("jsig");
        ingress = new IngressSandbox(host);
        rules = new PortRules(host);
        ingress.connect(sandbox, leg, NODE_INGRESS_IP + "/16", 1450);
        ingress.connect(sandbox, leg, NODE_INGRESS_IP + "/16", 1450);
    }

    private void remoteTask(String ip, String body) throws Exception {
        String ns = lab.netns("jir");
        String port = Lab.unique("p");
        Cmd.run(List.of("ip", "-n", sandbox, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns));
        Cmd.run(List.of("ip", "-n", sandbox, "link", "set", port, "master", "br0", "up"));
        Cmd.run(List.of("ip", "-n", ns, "addr", "add", ip + "/16", "dev", "eth0"));
        Cmd.run(List.of("ip", "-n", ns, "link", "set", "eth0", "up"));
        lab.httpd(ns, lab.webRoot(Files.createDirectory(tmp.resolve(body)), body));
    }

    @AfterEach
    void tearDown() {
        try {
            rules.clear();
            ingress.disconnect(leg);
        } finally {
            lab.close();
        }
    }

    @Test
    void remoteOnlyBackendsAnswerThroughSnatToTheNodesIngressAddress() {
        rules.apply(List.of(), List.of(new IngressPort("tcp", 30081, 80,
                List.of(), List.of("10.255.0.5", "10.255.0.6"), NODE_INGRESS_IP)));

        assertEquals(NODE_INGRESS_IP, Lab.seenAs(client, "http://" + HOST_IP + ":30081/cgi-bin/addr"));
        Set<String> served = new HashSet<>();
        Lab.await(Duration.ofSeconds(10), () -> served.add(Lab.fetch(client, "http://" + HOST_IP + ":30081/"))
                && served.size() == 2, () -> "both backends to take turns, saw " + served);
        assertTrue(Lab.fetch(host, "http://127.0.0.1:30081/").startsWith("backend-"));
    }

    @Test
    void legCarriesTheOverlayMtuAndDisconnectRemovesBothEndsAndTheForwardRules() {
        String link = Cmd.run(List.of("ip", "-n", host, "-o", "link", "show", "dev", leg));
        assertTrue(link.contains("mtu 1450"), link);
        assertTrue(Cmd.run(List.of("ip", "-n", sandbox, "-o", "link", "show", "master", "br0"))
                .contains(VethNames.ingressPeer(leg)));
        assertTrue(Lab.run(host, "iptables", "-S", "FORWARD").contains("-i " + leg + " -j ACCEPT"));

        ingress.disconnect(leg);
        ingress.disconnect(leg);

        assertFalse(Cmd.run(List.of("ip", "-n", host, "-o", "link")).contains(leg));
        assertFalse(Cmd.run(List.of("ip", "-n", sandbox, "-o", "link")).contains(VethNames.ingressPeer(leg)));
        assertFalse(Lab.run(host, "iptables", "-S", "FORWARD").contains(leg));
    }
}
