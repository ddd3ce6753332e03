package io.jswarm.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.util.TimeDuration;

/**
 * The peer for the throughput benchmark: three Ratis servers with a trivial counter state
 * machine, on the same Ratis settings (RatisProperties) and transport (TLS or not) as RaftStore,
 * so that the ratio shows what the store's own layers and its group commit change. One entry per
 * request: Ratis has no group commit of its own (its appender does ship several entries per
 * append RPC, and its log flushes several appended entries at once).
 */
final class BareRatisGroup implements AutoCloseable {
  /** Adds one per entry; answers the new count. */
  static final class Counter extends BaseStateMachine {
    private final AtomicLong count = new AtomicLong();

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
      var entry = trx.getLogEntry();
      long n = count.incrementAndGet();
      updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
      return CompletableFuture.completedFuture(Message.valueOf(Long.toString(n)));
    }
  }

  private final List<RaftServer> servers = new ArrayList<>();
  private final RaftClient client;

  BareRatisGroup(Path dir, RaftTls tls) throws IOException {
    List<Member> members = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      members.add(new Member("r" + i, "127.0.0.1:" + Fixtures.freePort()));
    }
    RaftGroup group = RaftGroup.valueOf(RaftStore.GROUP_ID, members.stream().map(Membership::peer).toList());
    RaftStoreConfig first = null;
    for (Member m : members) {
      RaftStoreConfig c = RaftStoreConfig.builder(dir.resolve(m.id()), m.id(), m.address()).initialMembers(members).build();
      first = first == null ? c : first;
      RaftProperties p = RatisProperties.server(c);
      RatisProperties.entryLimits(p, BatchLimits.DEFAULT);
      RaftServer s = RaftServer.newBuilder().setServerId(RaftPeerId.valueOf(m.id())).setGroup(group)
          .setStateMachine(new Counter()).setProperties(p)
          .setParameters(tls == null ? new Parameters() : tls.parameters())
          .setOption(RaftStorage.StartupOption.RECOVER).build();
      s.start();
      servers.add(s);
    }
    RaftProperties cp = RatisProperties.client(first);
    RatisProperties.entryLimits(cp, BatchLimits.DEFAULT);
    client = RaftClient.newBuilder().setProperties(cp).setRaftGroup(group)
        .setParameters(tls == null ? new Parameters() : tls.parameters())
        .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(50, TimeDuration.valueOf(100, java.util.concurrent.TimeUnit.MILLISECONDS)))
        .build();
  }

  /**
   * One acknowledged increment: a blocking call on the shared client, as RATIS-NOTES measured
   * untuned Ratis. (Its ordered async API with 16-64 requests outstanding on one client ran at
   * 20-30 writes/s here at load 15-30: the ordered sliding window serialises them.)
   */
  void write() throws Exception {
    var reply = client.io().send(Message.valueOf("+1"));
    if (!reply.isSuccess()) {
      throw new IOException("increment refused: " + reply.getException());
    }
  }

  String leader() {
    for (RaftServer s : servers) {
      try {
        if (s.getDivision(RaftStore.GROUP_ID).getInfo().isLeaderReady()) return s.getId().toString();
      } catch (IOException e) {
        // not ready
      }
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    client.close();
    for (RaftServer s : servers) {
      s.close();
    }
  }
}
