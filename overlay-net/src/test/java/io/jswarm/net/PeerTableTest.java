package io.jswarm.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PeerTableTest {
  static final String FDB = """
      42:a6:7b:4c:80:72 master br0 permanent
      02:42:0a:00:01:06 dst 10.251.1.3 link-netnsid 0 self permanent
      02:42:0a:00:01:05 dst 10.251.1.2 link-netnsid 0 self permanent
      02:42:0a:00:01:05 dst 10.251.1.9 link-netnsid 0 self permanent
      """;
  static final String NEIGH = """
      10.0.1.5 lladdr 02:42:0a:00:01:05 PERMANENT
      10.0.1.6 lladdr 02:42:0a:00:01:06 PERMANENT
      10.0.1.7 FAILED
      """;

  @Test
  void parsesOnlyTheDevicesRemoteEntries() {
    PeerTable t = PeerTable.parse(FDB, NEIGH);
    assertEquals(Map.of("02:42:0a:00:01:05", Set.of("10.251.1.2", "10.251.1.9"), "02:42:0a:00:01:06", Set.of("10.251.1.3")), t.fdb());
    assertEquals(Map.of("10.0.1.5", "02:42:0a:00:01:05", "10.0.1.6", "02:42:0a:00:01:06"), t.neigh());
  }

  @Test
  void unchangedStateNeedsNoCommands() {
    PeerTable now = PeerTable.parse(FDB.replace("02:42:0a:00:01:05 dst 10.251.1.9 link-netnsid 0 self permanent\n", ""), NEIGH);
    PeerTable want = PeerTable.desired(List.of(Endpoint.of("10.0.1.5", "10.251.1.2"), Endpoint.of("10.0.1.6", "10.251.1.3")));
    assertTrue(now.planTo(want, "vx-1").isEmpty());
  }

  @Test
  void movedRemovedAndNewEndpointsGiveExactlyTheDifference() {
    PeerTable now = PeerTable.parse(FDB, NEIGH);
    PeerTable want = PeerTable.desired(List.of(
        Endpoint.of("10.0.1.5", "10.251.1.4"), // moved to another host; the stray second remote goes too
        Endpoint.of("10.0.1.8", "10.251.1.3"))); // new; 10.0.1.6 is gone
    PeerTable.Plan p = now.planTo(want, "vx-1");
    assertEquals(List.of(
        "fdb del 02:42:0a:00:01:05 dev vx-1 dst 10.251.1.2 self",
        "fdb del 02:42:0a:00:01:05 dev vx-1 dst 10.251.1.9 self",
        "fdb del 02:42:0a:00:01:06 dev vx-1 dst 10.251.1.3 self",
        "fdb replace 02:42:0a:00:01:05 dev vx-1 dst 10.251.1.4 self permanent",
        "fdb replace 02:42:0a:00:01:08 dev vx-1 dst 10.251.1.3 self permanent"), p.bridgeLines());
    assertEquals(List.of(
        "neigh del 10.0.1.6 dev vx-1",
        "neigh replace 10.0.1.8 lladdr 02:42:0a:00:01:08 dev vx-1 nud permanent"), p.ipLines());
  }

  @Test
  void duplicateEndpointsCollapseToOneEntryLastWins() {
    PeerTable want = PeerTable.desired(List.of(Endpoint.of("10.0.1.5", "10.251.1.2"), Endpoint.of("10.0.1.5", "10.251.1.3")));
    PeerTable.Plan p = PeerTable.parse("", "").planTo(want, "vx-1");
    assertEquals(List.of("fdb replace 02:42:0a:00:01:05 dev vx-1 dst 10.251.1.3 self permanent"), p.bridgeLines());
    assertEquals(1, p.ipLines().size());
  }
}
