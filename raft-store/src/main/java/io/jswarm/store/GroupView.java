package io.jswarm.store;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.ratis.proto.RaftProtos;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this member's Ratis server knows of the group: term, leader, peers, and how reachable
 * the others are. Every answer is read fresh from the server's division; a server that is not
 * (or no longer) running answers "nothing known" rather than throwing.
 */
final class GroupView {
  private static final Logger LOG = LoggerFactory.getLogger(GroupView.class);

  private final RaftStoreConfig config;
  private final RaftServer server;

  GroupView(RaftStoreConfig config, RaftServer server) {
    this.config = config;
    this.server = server;
  }

  RaftServer.Division division() throws IOException {
    return server.getDivision(RaftStore.GROUP_ID);
  }

  /** The current Raft term as this member knows it. */
  long currentTerm() throws UnavailableException {
    try {
      return division().getInfo().getCurrentTerm();
    } catch (IOException | RuntimeException e) {
      throw new UnavailableException("this manager's Raft server is not running (" + e + ")", e);
    }
  }

  /** True when this member is the leader and has applied all earlier entries. */
  static boolean isLeaderReady(RaftServer server) {
    try {
      return server.getDivision(RaftStore.GROUP_ID).getInfo().isLeaderReady();
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** Whether this member's server is the leader (ready or not). */
  boolean isLeader() {
    try {
      return division().getInfo().isLeader();
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  Optional<RaftPeerId> leaderPeerId() {
    try {
      return Optional.ofNullable(division().getInfo().getLeaderId());
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The voting peers in the current configuration, sorted by id. */
  List<RaftPeer> currentPeers() throws IOException {
    List<RaftPeer> peers = new ArrayList<>(division().getRaftConf().getCurrentPeers());
    peers.sort(Comparator.comparing(p -> p.getId().toString()));
    if (peers.isEmpty()) {
      throw new IOException("this manager (" + config.selfId() + ") is not a member of any group yet;"
          + " add it from the leader with addMember");
    }
    return peers;
  }

  /** Index of the first entry still in this member's log (-1 when unknown). */
  long logStartIndex() {
    try {
      return division().getRaftLog().getStartIndex();
    } catch (IOException e) {
      return -1;
    }
  }

  /**
   * Whether this member leads and has heard from a majority (itself included) within
   * {@code withinMs}; false when it does not lead. A leader that has, cannot have been replaced
   * yet: a follower waits at least the minimum election timeout after the leader's last message
   * before it stands for election.
   */
  boolean leadsWithMajorityWithin(long withinMs) {
    try {
      RaftServer.Division d = division();
      if (!d.getInfo().isLeader()) {
        return false;
      }
      int voters = d.getRaftConf().getCurrentPeers().size();
      long heard = 1 + d.getInfo().getRoleInfoProto().getLeaderInfo().getFollowerInfoList().stream()
          .filter(f -> f.getLastRpcElapsedTimeMs() < withinMs).count();
      return heard >= voters / 2 + 1;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** What this member sees of the group, phrased for an operator (why a call did not go through). */
  String unavailability(boolean closed) {
    if (closed) {
      return "this manager (" + config.selfId() + ") is closed";
    }
    try {
      RaftServer.Division d = division();
      int voters = d.getRaftConf().getCurrentPeers().size();
      int majority = voters / 2 + 1;
      if (d.getInfo().isLeader()) {
        long fresh = 2 * config.electionTimeoutMax().toMillis();
        RaftProtos.RoleInfoProto role = d.getInfo().getRoleInfoProto();
        long reachable = 1 + role.getLeaderInfo().getFollowerInfoList().stream()
            .filter(f -> f.getLastRpcElapsedTimeMs() < fresh).count();
        if (reachable < majority) {
          return "no quorum: " + reachable + " of " + voters
              + " managers reachable; writes are refused until " + majority + " are";
        }
        return "this manager is leader and " + reachable + " of " + voters
            + " managers are reachable, but the write was not committed in time (overloaded?)";
      }
      RaftPeerId leader = d.getInfo().getLeaderId();
      if (leader == null) {
        return "no leader: this manager (" + config.selfId() + ") sees no elected leader among "
            + voters + " managers; writes are refused until " + majority + " of them can reach each other";
      }
      return "the leader " + leader + " did not confirm in time; it may have lost its quorum (needs "
          + majority + " of " + voters + " managers)";
    } catch (IOException | RuntimeException e) {
      return "this manager's Raft server is not running (" + e + ")";
    }
  }

  /**
   * Which members this one can vouch for, by id: true when heard from within two election
   * timeouts, false when not. The leader judges every follower from its last RPC; a follower
   * knows only itself and the leader it follows, and leaves the others out (unknown).
   */
  Map<String, Boolean> reachability() {
    Map<String, Boolean> out = new HashMap<>();
    try {
      RaftServer.Division d = division();
      out.put(config.selfId(), true);
      if (d.getInfo().isLeader()) {
        long fresh = 2 * config.electionTimeoutMax().toMillis();
        for (RaftProtos.ServerRpcProto f : d.getInfo().getRoleInfoProto().getLeaderInfo().getFollowerInfoList()) {
          out.put(f.getId().getId().toStringUtf8(), f.getLastRpcElapsedTimeMs() < fresh);
        }
      } else {
        leaderPeerId().ifPresent(l -> out.put(l.toString(), true));
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("{}: no Raft view for reachability", config.selfId(), e);
    }
    return out;
  }
}
