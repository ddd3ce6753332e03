package io.jswarm.store;

import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.proto.RaftProtos;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps Ratis's server-to-server channels from waiting out gRPC's reconnect backoff.
 *
 * <p>A gRPC channel whose peer is down retries its connection after an exponential backoff (1 s,
 * then ×1.6 up to 2 min), and fails every call fast meanwhile. Ratis builds those channels and
 * has no setting for it. So after a manager was down for some seconds, the leader's appender
 * reached it again only seconds after it was back (it lagged behind), and the other survivor's
 * vote requests to it failed fast until the backoff ran out: the next election could not finish
 * (no leader for over 5 s after a leader kill, FailoverLabIT). Ratis's public
 * {@code handleException(peer, e, reconnect=true)} replaces a peer's channel with a fresh one;
 * this calls it
 * <ul>
 *   <li>on the leader, every tick, for each follower it has not heard from in 3 s (two election
 *       timeouts if longer) (a fresh channel connects on first use: at most one attempt per tick);</li>
 *   <li>on every member, when it sees a new leader, for the peers other than itself and that
 *       leader: their channels are idle until the next election, which then starts fresh.</li>
 * </ul>
 */
final class PeerChannels implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PeerChannels.class);
  static final long TICK_MS = 500;

  private final RaftServer server;
  private final GroupView group;
  private final long staleMs;
  private final ScheduledExecutorService timer;
  private RaftPeerId lastLeader; // touched only by the timer thread

  PeerChannels(RaftStoreConfig config, RaftServer server, GroupView group) {
    this.server = server;
    this.group = group;
    // a follower silent this long is down or restarting, not slow: a loaded but live one keeps
    // its channel (a reset breaks the appender's stream)
    this.staleMs = Math.max(3_000, 2 * config.electionTimeoutMax().toMillis());
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "raft-peer-channels-" + config.selfId());
      t.setDaemon(true);
      return t;
    });
  }

  void start() {
    timer.scheduleWithFixedDelay(this::tickQuietly, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
  }

  private void tickQuietly() {
    try {
      tick();
    } catch (IOException | RuntimeException e) {
      LOG.debug("peer channel check skipped", e);
    }
  }

  void tick() throws IOException {
    RaftServer.Division d = group.division();
    RaftPeerId self = d.getId();
    if (d.getInfo().isLeader()) {
      for (RaftProtos.ServerRpcProto f : d.getInfo().getRoleInfoProto().getLeaderInfo().getFollowerInfoList()) {
        if (f.getLastRpcElapsedTimeMs() > staleMs) {
          reset(RaftPeerId.valueOf(f.getId().getId()), "not heard from in " + f.getLastRpcElapsedTimeMs() + " ms");
        }
      }
    }
    RaftPeerId leader = d.getInfo().getLeaderId();
    if (leader != null && !leader.equals(lastLeader)) {
      for (RaftPeer p : d.getRaftConf().getCurrentPeers()) {
        if (!p.getId().equals(self) && !p.getId().equals(leader)) reset(p.getId(), "new leader " + leader);
      }
    }
    lastLeader = leader;
  }

  private void reset(RaftPeerId peer, String why) {
    LOG.debug("fresh channel to {}: {}", peer, why);
    server.getServerRpc().handleException(peer, new IOException("jswarm: fresh channel (" + why + ")"), true);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
