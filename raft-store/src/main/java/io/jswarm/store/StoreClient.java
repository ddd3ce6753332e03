package io.jswarm.store;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.nio.ByteBuffer;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This member's own Ratis client, through which every write, ReadIndex and admin call reaches
 * the leader (a follower's request is redirected there: this is how writes are forwarded).
 *
 * <p>The client is rebuilt when the Raft configuration changes, with an explicit bounded retry
 * policy (RATIS-NOTES). Every call gets a hard deadline: a blocking call runs on a pool thread and
 * the caller waits through {@link LeaderWait}, so it never waits past its deadline whatever the
 * client's retries do, and gives up early when no leader is seen for longer than an election.
 */
final class StoreClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StoreClient.class);

  private final RaftStoreConfig config;
  private final GroupView group;
  private final RaftProperties properties;
  /** TLS for this member's own client, when the group speaks TLS (null: plaintext). */
  private final Parameters tls;
  private final LeaderWait leaderWait;
  private final Supplier<String> unavailability;
  private final ExecutorService calls;
  private final Object lock = new Object();
  private RaftClient client; // guarded by lock
  private List<RaftPeer> clientPeers = List.of(); // guarded by lock
  private volatile boolean closed;

  StoreClient(RaftStoreConfig config, GroupView group, RaftProperties properties, Parameters tls,
      Supplier<String> unavailability) {
    this.config = config;
    this.group = group;
    this.properties = properties;
    this.tls = tls;
    this.unavailability = unavailability;
    // A call waits this long without a leader, not its whole deadline (see LeaderWait). An
    // election is a pre-vote and a vote round, each bounded by an election timeout, and one
    // refused or split round costs another; a manager that has just restarted may also wait for
    // the leader's appender to reconnect to it. Two election timeouts (what this was) refused
    // writes in elections that took 2.5-2.8 s after a restart (FailoverLabIT); four leave room
    // for one failed round and a loaded machine, and a lost quorum is still reported in ~5 s.
    this.leaderWait = new LeaderWait(() -> group.leaderPeerId().isPresent(),
        patience(config).toNanos(), System::nanoTime);
    AtomicInteger n = new AtomicInteger();
    this.calls = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "raft-store-call-" + config.selfId() + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** How long a call waits in a row without any leader before it is refused. */
  static java.time.Duration patience(RaftStoreConfig config) {
    // at least 5 s: an election right after a member's restart waited for gRPC's reconnect
    // backoff between the survivors, however short the election timeout (FailoverLabIT, 0.3-0.6 s
    // timeouts: no leader for 2.4 s after a kill)
    java.time.Duration fourTimeouts = config.electionTimeoutMax().multipliedBy(4);
    return fourTimeouts.compareTo(MIN_PATIENCE) > 0 ? fourTimeouts : MIN_PATIENCE;
  }

  static final java.time.Duration MIN_PATIENCE = java.time.Duration.ofSeconds(5);

  /** The client for the current configuration (built, or rebuilt after a membership change). */
  RaftClient client() throws IOException {
    synchronized (lock) {
      if (closed) {
        throw new InterruptedIOException("this manager's store (" + config.selfId() + ") is closed");
      }
      List<RaftPeer> peers = group.currentPeers();
      if (client == null || !peers.equals(clientPeers)) {
        closeQuietly(client);
        RaftClient.Builder b = RaftClient.newBuilder()
            .setProperties(properties)
            .setParameters(tls == null ? new Parameters() : tls)
            .setRaftGroup(RaftGroup.valueOf(RaftStore.GROUP_ID, peers))
            .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(
                (int) Math.max(1, config.writeTimeout().toMillis() / 100),
                TimeDuration.valueOf(100, TimeUnit.MILLISECONDS)));
        group.leaderPeerId().ifPresent(b::setLeaderId);
        client = b.build();
        clientPeers = peers;
      }
      return client;
    }
  }

  /** Called when the Raft configuration changes: the next call rebuilds the client. */
  void dropIfStale() {
    synchronized (lock) {
      clientPeers = List.of(); // forces a rebuild on next use; in-flight calls keep the old one
    }
  }

  /**
   * Sends one entry with Ratis's async API (ordered: entries reach the log in the order sent);
   * completes with the state machine's answer, or fails with why the group did not take it. The
   * client's retry policy bounds the retries; the timeout here only guarantees that group commit
   * never waits forever on one entry (each writer has its own, shorter deadline).
   */
  CompletableFuture<ByteBuffer> sendAsync(byte[] entry) {
    RaftClient c;
    try {
      c = client();
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
    return c.async().send(Message.valueOf(UnsafeByteOperations.unsafeWrap(entry)))
        .thenApply(reply -> {
          if (!reply.isSuccess()) {
            throw new CompletionException(reply.getException() != null ? reply.getException()
                : new IOException("the write was refused (" + reply + ")"));
          }
          return reply.getMessage().getContent().asReadOnlyByteBuffer();
        })
        .orTimeout(2 * config.writeTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Runs a blocking Ratis client call with a hard deadline. The call runs on a pool thread so
   * that the caller never waits past the deadline whatever the client's retries do.
   */
  RaftClientReply call(String what, long deadlineNanos, Callable<RaftClientReply> c) throws UnavailableException {
    RaftClientReply reply = await(what, calls.submit(c), deadlineNanos);
    if (!reply.isSuccess()) {
      throw new UnavailableException(what + " refused: " + unavailability.get() + " (" + reply.getException() + ")",
          reply.getException());
    }
    return reply;
  }

  /**
   * Waits for a pending call until {@code deadlineNanos} at most, and not past an election's
   * length without a leader; every failure is an {@link UnavailableException} that says what this
   * member sees and that the request may still be applied later.
   */
  <T> T await(String what, Future<T> f, long deadlineNanos) throws UnavailableException {
    try {
      return leaderWait.get(f, deadlineNanos);
    } catch (LeaderWait.NoLeader e) {
      f.cancel(true);
      throw new UnavailableException(what + " refused after " + e.getMessage() + ": " + unavailability.get()
          + ". It may still be applied later if a leader returns: re-read before retrying");
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new UnavailableException(what + " not confirmed within " + config.writeTimeout() + ": "
          + unavailability.get() + ". It may still be applied later: re-read before retrying");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw new UnavailableException(what + " failed: " + unavailability.get() + " ("
          + cause.getClass().getSimpleName() + "). It may still be applied later: re-read before retrying", cause);
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw new UnavailableException(what + " interrupted; it may still be applied", e);
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      closeQuietly(client);
      client = null;
    }
    calls.shutdownNow();
  }

  private static void closeQuietly(RaftClient c) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException | RuntimeException e) {
        LOG.debug("closing a Raft client failed", e);
      }
    }
  }
}
