package io.jswarm.store;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;

/**
 * Changes to who votes: add and remove members, move the leadership. Each goes through this
 * member's client to the leader, which commits the new configuration (Ratis's
 * setConfiguration); see RATIS-NOTES for the order (start the new server first).
 */
final class Membership {
  private final RaftStoreConfig config;
  private final GroupView group;
  private final StoreClient client;

  Membership(RaftStoreConfig config, GroupView group, StoreClient client) {
    this.config = config;
    this.group = group;
    this.client = client;
  }

  /** The voting members in the current configuration, sorted by id. */
  List<Member> members() {
    try {
      return group.currentPeers().stream().map(p -> new Member(p.getId().toString(), p.getAddress())).toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  void add(String id, String raftAddress) throws StoreException {
    List<Member> next = new ArrayList<>(members());
    if (next.stream().anyMatch(m -> m.id().equals(id))) {
      return;
    }
    next.add(new Member(id, raftAddress));
    setConfiguration(next, "add member " + id);
  }

  void remove(String id) throws StoreException {
    List<Member> next = new ArrayList<>(members());
    if (!next.removeIf(m -> m.id().equals(id))) {
      return;
    }
    setConfiguration(next, "remove member " + id);
  }

  private void setConfiguration(List<Member> members, String what) throws StoreException {
    List<RaftPeer> peers = members.stream().map(Membership::peer).toList();
    long deadline = System.nanoTime() + Math.max(config.writeTimeout().toNanos(), TimeUnit.SECONDS.toNanos(30));
    client.call(what, deadline, () -> client.client().admin().setConfiguration(peers));
  }

  void transferLeadership(String id, Duration timeout) throws StoreException {
    long deadline = System.nanoTime() + timeout.toNanos() + TimeUnit.SECONDS.toNanos(1);
    client.call("transfer leadership to " + id, deadline,
        () -> client.client().admin().transferLeadership(RaftPeerId.valueOf(id), timeout.toMillis()));
  }

  static RaftPeer peer(Member m) {
    return RaftPeer.newBuilder().setId(m.id()).setAddress(m.address()).build();
  }
}
