package io.jswarm.store;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import io.jswarm.api.StoreBatch;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member's view of the replicated cluster state: a Ratis server (gRPC transport) whose
 * state machine applies {@link StoreBatch} entries to an indexed in-memory store.
 *
 * <p>Reads are local (they see what this member has applied). Writes go through the Ratis
 * client to the leader (a follower's client is redirected), and return once the entry is
 * applied here too, so a read after a write sees it.
 */
public final class RaftStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RaftStore.class);

  /** One fixed group: a jswarm cluster is one Raft group. */
  static final RaftGroupId GROUP_ID = RaftGroupId.valueOf(
      UUID.nameUUIDFromBytes("io.jswarm.store/cluster".getBytes(StandardCharsets.UTF_8)));

  /** How many times {@link #update} computes a write again after it raced another. */
  private static final int MAX_RECOMPUTES = 5;

  private final RaftStoreConfig config;
  private final BatchLimits limits;
  private final RaftPeerId selfPeer;
  private final ObjectStore store;
  private final StoreStateMachine stateMachine;
  private final LeadershipNotifier leadership;
  private final RaftServer server;
  private final RaftProperties clientProperties;
  /** TLS for this member's own client, when the group speaks TLS. */
  private volatile org.apache.ratis.conf.Parameters clientParameters;
  private final ExecutorService calls;
  private final LeaderWait leaderWait;
  private final Object clientLock = new Object();
  private RaftClient client; // guarded by clientLock
  private List<RaftPeer> clientPeers = List.of(); // guarded by clientLock
  private volatile boolean closed;

  private RaftStore(RaftStoreConfig config, BatchLimits limits, ObjectStore store, StoreStateMachine stateMachine,
      LeadershipNotifier leadership, RaftServer server, RaftProperties clientProperties) {
    this.config = config;
    this.limits = limits;
    this.selfPeer = RaftPeerId.valueOf(config.selfId());
    this.store = store;
    this.stateMachine = stateMachine;
    this.leadership = leadership;
    this.server = server;
    this.clientProperties = clientProperties;
    AtomicInteger n = new AtomicInteger();
    // An election takes up to one election timeout, two after a split vote: a write waits that
    // long for a leader, not the whole write timeout (see LeaderWait).
    this.leaderWait = new LeaderWait(() -> leaderPeerId().isPresent(),
        2 * config.electionTimeoutMax().toNanos(), System::nanoTime);
    this.calls = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "raft-store-call-" + config.selfId() + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Starts (or restarts from disk) a Ratis server for this member. With
   * {@code initialMembers} set and an empty data dir, a new group is formed; with data on disk
   * the stored log and configuration win; with neither, the member waits to be added by a
   * leader ({@link #addMember}).
   */
  public static RaftStore open(RaftStoreConfig config) throws IOException {
    return open(config, null, BatchLimits.DEFAULT, p -> { });
  }

  /** As {@link #open(RaftStoreConfig)}, speaking mutual TLS with the peers (null: plaintext, tests only). */
  public static RaftStore open(RaftStoreConfig config, RaftTls tls) throws IOException {
    return open(config, tls, BatchLimits.DEFAULT, p -> { });
  }

  /** As {@link #open(RaftStoreConfig, RaftTls)}, with other bounds on one Raft entry. */
  public static RaftStore open(RaftStoreConfig config, RaftTls tls, BatchLimits limits) throws IOException {
    return open(config, tls, limits, p -> { });
  }

  /** Plaintext with other bounds on one Raft entry (tests). */
  static RaftStore open(RaftStoreConfig config, BatchLimits limits) throws IOException {
    return open(config, null, limits, p -> { });
  }

  /** As {@link #open(RaftStoreConfig)}, with Ratis settings adjusted (tests use small log segments). */
  static RaftStore open(RaftStoreConfig config, Consumer<RaftProperties> tweak) throws IOException {
    return open(config, null, BatchLimits.DEFAULT, tweak);
  }

  static RaftStore open(RaftStoreConfig config, RaftTls tls, Consumer<RaftProperties> tweak) throws IOException {
    return open(config, tls, BatchLimits.DEFAULT, tweak);
  }

  static RaftStore open(RaftStoreConfig config, RaftTls tls, BatchLimits limits, Consumer<RaftProperties> tweak)
      throws IOException {
    Files.createDirectories(config.dataDir());
    RaftProperties properties = RatisProperties.server(config);
    RatisProperties.entryLimits(properties, limits);
    tweak.accept(properties);
    ObjectStore store = new ObjectStore();
    StoreStateMachine sm = new StoreStateMachine(store);
    RaftGroup group = config.initialMembers().isEmpty()
        ? RaftGroup.valueOf(GROUP_ID)
        : RaftGroup.valueOf(GROUP_ID, config.initialMembers().stream().map(RaftStore::peer).toList());
    RaftServer server = RaftServer.newBuilder()
        .setServerId(RaftPeerId.valueOf(config.selfId()))
        .setGroup(group)
        .setStateMachine(sm)
        .setProperties(properties)
        .setParameters(tls == null ? new org.apache.ratis.conf.Parameters() : tls.parameters())
        .setOption(RaftStorage.StartupOption.RECOVER)
        .build();
    LeadershipNotifier notifier = new LeadershipNotifier(config.selfId(), () -> isLeaderReady(server));
    RaftProperties clientProperties = RatisProperties.client(config);
    RatisProperties.entryLimits(clientProperties, limits);
    RaftStore rs = new RaftStore(config, limits, store, sm, notifier, server, clientProperties);
    rs.clientParameters = tls == null ? null : tls.parameters();
    sm.bind(notifier, rs::dropClientIfStale);
    notifier.start();
    try {
      server.start();
    } catch (IOException | RuntimeException e) {
      rs.close();
      throw e;
    }
    return rs;
  }

  // ------------------------------------------------------------------ reads

  /** Runs {@code fn} against a consistent view of the local state (under a read lock). */
  public <T> T read(Function<StoreView, T> fn) {
    return store.read(fn);
  }

  /**
   * Reads initial state and subscribes atomically: the watch gets every batch applied after
   * {@code init} ran, and none before.
   */
  public <T> Watch<T> viewAndWatch(Function<StoreView, T> init) {
    Watch<T> w = new Watch<>();
    T initial = store.readAndWatch(init, w.sink());
    w.start(initial, () -> store.unwatch(w.sink()));
    return w;
  }

  public Watch<Void> watch() {
    return viewAndWatch(v -> null);
  }

  /** A stable hash of every object (see {@link ObjectStore#digest()}): equal on equal replicas. */
  public String digest() {
    return store.digest();
  }

  // ------------------------------------------------------------------ writes

  /**
   * Builds a batch with {@code fn} (run under the read lock against the current view), proposes
   * it as one Raft entry and waits until it is applied here. {@code fn} must not call
   * {@code update} itself (it holds the read lock that apply needs) and should be quick; it may
   * run again when the write raced an election (the batch names the term it was computed in).
   * For writes of any member (the control API); leader components use {@link #updateAsLeader}
   * or {@link #leaderBatch}.
   *
   * @return the log index of the applied batch (the new version of every object it wrote), or
   *     the current applied index when {@code fn} changed nothing
   * @throws ConflictException the batch was rejected as a whole (the message names the object)
   * @throws EntryTooLargeException the batch is larger than one entry may be; nothing proposed
   * @throws UnavailableException no leader or no quorum within the write timeout, or closed
   */
  public long update(Consumer<Tx> fn) throws StoreException {
    long deadline = System.nanoTime() + config.writeTimeout().toNanos();
    int attempts = 0;
    while (true) {
      long term = currentTerm();
      TxImpl tx = runTx(null, fn);
      try {
        return proposeOrNothing(tx, term, false);
      } catch (LostLeadershipException | StaleReadException e) {
        // An election, or a write to something fn read, happened between reading and applying:
        // nothing was applied, so computing the write again on the new state is safe.
        if (++attempts >= MAX_RECOMPUTES || System.nanoTime() > deadline) throw e;
        LOG.debug("{}: write raced another, computing it again: {}", config.selfId(), e.getMessage());
      }
    }
  }

  /**
   * As {@link #update}, for a leader component: refused with {@link LostLeadershipException}
   * unless this member is the ready leader, and at apply unless the entry is appended in the
   * term this member led when {@code fn} read the state. Never forwarded by a non-leader.
   */
  public long updateAsLeader(Consumer<Tx> fn) throws StoreException {
    long term = leaderTerm();
    return proposeOrNothing(runTx(null, fn), term, true);
  }

  /** A writer that commits many small transactions in bounded entries (see {@link BatchWriter}). */
  public BatchWriter batch() throws StoreException {
    return new BatchWriter(this, currentTerm(), false);
  }

  /** As {@link #batch}, fenced as {@link #updateAsLeader}: every entry carries this leadership's term. */
  public BatchWriter leaderBatch() throws StoreException {
    return new BatchWriter(this, leaderTerm(), true);
  }

  /** The bounds on one entry this store enforces. */
  public BatchLimits limits() {
    return limits;
  }

  /** A transaction over this store's applied state (or {@code over}, a batch being gathered). */
  TxImpl newTx(boolean recordReads) {
    return new TxImpl(store, recordReads);
  }

  /** Runs {@code fn} on a new transaction over {@code over} (null: the store) under the read lock. */
  TxImpl runTx(TxImpl over, Consumer<Tx> fn) {
    return store.read(view -> {
      TxImpl t = new TxImpl(over == null ? (ObjectView) view : over);
      fn.accept(t);
      return t;
    });
  }

  private long proposeOrNothing(TxImpl tx, long term, boolean leader) throws StoreException {
    if (!tx.mistakes().isEmpty()) {
      throw new ConflictException("transaction rejected before proposing: " + String.join("; ", tx.mistakes()));
    }
    if (tx.isEmpty()) {
      return appliedIndex();
    }
    return propose(tx, term, leader);
  }

  /** The current Raft term as this member knows it. */
  long currentTerm() throws UnavailableException {
    checkOpen();
    try {
      return server.getDivision(GROUP_ID).getInfo().getCurrentTerm();
    } catch (IOException | RuntimeException e) {
      throw new UnavailableException("this manager's Raft server is not running (" + e + ")", e);
    }
  }

  /** The term this member leads, ready (every earlier entry applied); else LostLeadershipException. */
  long leaderTerm() throws StoreException {
    long before = currentTerm();
    boolean ready = isLeader();
    long after = currentTerm();
    if (!ready || before != after) {
      throw new LostLeadershipException("this manager (" + config.selfId() + ") is not the leader"
          + leaderId().map(l -> "; the leader is " + l).orElse("; no leader is known")
          + ": leader components write only on the leader");
    }
    return after;
  }

  /**
   * Proposes one gathered transaction as one entry computed in {@code term} and waits until it
   * is applied here.
   */
  long propose(TxImpl tx, long term, boolean leader) throws StoreException {
    checkOpen();
    StoreBatch batch = tx.toBatch(System.currentTimeMillis(), term);
    String excess = limits.excess(tx.changes(), batch.getSerializedSize());
    if (excess != null) {
      throw new EntryTooLargeException(excess + "; write it in several entries (RaftStore.batch)");
    }
    if (leader && (!isLeader() || currentTerm() != term)) {
      throw new LostLeadershipException("this manager (" + config.selfId() + ") lost the leadership of term "
          + term + " before proposing");
    }
    byte[] bytes = batch.toByteArray();
    long deadline = System.nanoTime() + config.writeTimeout().toNanos();
    RaftClientReply reply = call("write", deadline,
        () -> client().io().send(Message.valueOf(ByteString.copyFrom(bytes))));
    ApplyResult result = ApplyResult.fromMessage(reply.getMessage());
    if (result.conflict() != null) {
      if (result.conflict().contains("nothing applied: " + Fencing.LOST_LEADERSHIP)) {
        throw new LostLeadershipException(result.conflict());
      }
      if (result.conflict().contains("nothing applied: " + Fencing.STALE_READ)) {
        throw new StaleReadException(result.conflict());
      }
      throw new ConflictException(result.conflict());
    }
    try {
      if (!stateMachine.awaitApplied(result.index(), Math.max(0, deadline - System.nanoTime()))) {
        throw new UnavailableException("the write was committed at index " + result.index()
            + " but this manager (" + config.selfId() + ") has applied only up to " + appliedIndex()
            + " within " + config.writeTimeout() + "; it is lagging behind the leader");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("interrupted while waiting for index " + result.index()
          + " (committed) to be applied here", e);
    }
    return result.index();
  }

  /**
   * Runs a blocking Ratis client call with a hard deadline. The call runs on a pool thread so
   * that the caller never waits past the deadline whatever the client's retries do.
   */
  private RaftClientReply call(String what, long deadlineNanos, Callable<RaftClientReply> c)
      throws UnavailableException {
    Future<RaftClientReply> f = calls.submit(c);
    RaftClientReply reply;
    try {
      reply = leaderWait.get(f, deadlineNanos);
    } catch (LeaderWait.NoLeader e) {
      f.cancel(true);
      throw new UnavailableException(what + " refused after " + e.getMessage() + ": " + unavailability()
          + ". It may still be applied later if a leader returns: re-read before retrying");
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new UnavailableException(what + " not confirmed within " + config.writeTimeout() + ": "
          + unavailability() + ". It may still be applied later: re-read before retrying");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw new UnavailableException(what + " failed: " + unavailability() + " ("
          + cause.getClass().getSimpleName() + "). It may still be applied later: re-read before retrying", cause);
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw new UnavailableException(what + " interrupted; it may still be applied", e);
    }
    if (!reply.isSuccess()) {
      throw new UnavailableException(what + " refused: " + unavailability() + " (" + reply.getException() + ")",
          reply.getException());
    }
    return reply;
  }

  /** What this member sees of the group, phrased for an operator. */
  String unavailability() {
    if (closed) {
      return "this manager (" + config.selfId() + ") is closed";
    }
    try {
      RaftServer.Division d = server.getDivision(GROUP_ID);
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

  private RaftClient client() throws IOException {
    synchronized (clientLock) {
      checkOpenIo();
      List<RaftPeer> peers = currentPeers();
      if (client == null || !peers.equals(clientPeers)) {
        closeQuietly(client);
        RaftClient.Builder b = RaftClient.newBuilder()
            .setProperties(clientProperties)
            .setParameters(clientParameters == null ? new org.apache.ratis.conf.Parameters() : clientParameters)
            .setRaftGroup(RaftGroup.valueOf(GROUP_ID, peers))
            .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(
                (int) Math.max(1, config.writeTimeout().toMillis() / 100),
                TimeDuration.valueOf(100, TimeUnit.MILLISECONDS)));
        leaderPeerId().ifPresent(b::setLeaderId);
        client = b.build();
        clientPeers = peers;
      }
      return client;
    }
  }

  /** Called when the Raft configuration changes: the next call rebuilds the client. */
  private void dropClientIfStale() {
    synchronized (clientLock) {
      clientPeers = List.of(); // forces a rebuild on next use; in-flight calls keep the old one
    }
  }

  private List<RaftPeer> currentPeers() throws IOException {
    List<RaftPeer> peers = new ArrayList<>(server.getDivision(GROUP_ID).getRaftConf().getCurrentPeers());
    peers.sort(Comparator.comparing(p -> p.getId().toString()));
    if (peers.isEmpty()) {
      throw new IOException("this manager (" + config.selfId() + ") is not a member of any group yet;"
          + " add it from the leader with addMember");
    }
    return peers;
  }

  // ------------------------------------------------------------------ leadership and status

  /** True when this member is the leader and has applied all earlier entries. */
  public boolean isLeader() {
    return !closed && isLeaderReady(server);
  }

  private static boolean isLeaderReady(RaftServer server) {
    try {
      return server.getDivision(GROUP_ID).getInfo().isLeaderReady();
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** {@code l.leaderChanged} is called on one dedicated thread, in order, on every change. */
  public void addLeadershipListener(LeadershipListener l) {
    leadership.addListener(l);
  }

  public Optional<String> leaderId() {
    return leaderPeerId().map(RaftPeerId::toString);
  }

  private Optional<RaftPeerId> leaderPeerId() {
    try {
      return Optional.ofNullable(server.getDivision(GROUP_ID).getInfo().getLeaderId());
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  public String selfId() {
    return config.selfId();
  }

  /** Index of the last log entry applied here (batches, and Raft's own entries). */
  public long appliedIndex() {
    return stateMachine.appliedIndex();
  }

  /**
   * Makes the next local read linearizable: asks the leader for its commit index (Raft's
   * ReadIndex, through this member) and returns once this member has applied up to it, so a
   * read that follows sees every write acknowledged before this call began. Costs one round
   * trip to the leader; fails fast like a write when there is no leader or no quorum.
   */
  public void syncForRead(Duration timeout) throws UnavailableException {
    checkOpen();
    call("read", System.nanoTime() + timeout.toNanos(),
        () -> client().io().sendReadOnly(Message.EMPTY, selfPeer));
  }

  /**
   * Index of the first entry still in this member's log: everything before it was purged after a
   * snapshot, so a member that stopped before it can only catch up by installing a snapshot.
   */
  public long logStartIndex() {
    try {
      return server.getDivision(GROUP_ID).getRaftLog().getStartIndex();
    } catch (IOException e) {
      return -1;
    }
  }

  /** Takes a snapshot of this member's state now (and purges the log up to it). */
  public void takeSnapshot() throws IOException {
    checkOpenIo();
    RaftClientReply reply;
    try {
      reply = call("snapshot", System.nanoTime() + Math.max(config.writeTimeout().toNanos(), TimeUnit.SECONDS.toNanos(30)),
          () -> client().getSnapshotManagementApi(selfPeer).create(1, 30_000));
    } catch (UnavailableException e) {
      throw new IOException(e.getMessage(), e);
    }
    LOG.info("{}: snapshot at index {}", config.selfId(), reply.getLogIndex());
  }

  // ------------------------------------------------------------------ membership

  /**
   * Which members this one can vouch for, by id: true when heard from within two election
   * timeouts, false when not. The leader judges every follower from its last RPC; a follower
   * knows only itself and the leader it follows, and leaves the others out (unknown).
   */
  public Map<String, Boolean> reachability() {
    Map<String, Boolean> out = new HashMap<>();
    if (closed) {
      return out;
    }
    try {
      RaftServer.Division d = server.getDivision(GROUP_ID);
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

  /** The voting members in the current configuration, sorted by id. */
  public List<Member> members() {
    try {
      return currentPeers().stream().map(p -> new Member(p.getId().toString(), p.getAddress())).toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /**
   * Adds a voting member. Start it first with {@link RaftStore#open} and no initial members;
   * the leader then brings it up to date and commits the new configuration.
   */
  public void addMember(String id, String raftAddress) throws StoreException {
    List<Member> next = new ArrayList<>(members());
    if (next.stream().anyMatch(m -> m.id().equals(id))) {
      return;
    }
    next.add(new Member(id, raftAddress));
    setConfiguration(next, "add member " + id);
  }

  /** Removes a voting member (it stops receiving the log; close its store afterwards). */
  public void removeMember(String id) throws StoreException {
    List<Member> next = new ArrayList<>(members());
    if (!next.removeIf(m -> m.id().equals(id))) {
      return;
    }
    setConfiguration(next, "remove member " + id);
  }

  private void setConfiguration(List<Member> members, String what) throws StoreException {
    List<RaftPeer> peers = members.stream().map(RaftStore::peer).toList();
    long deadline = System.nanoTime() + Math.max(config.writeTimeout().toNanos(), TimeUnit.SECONDS.toNanos(30));
    call(what, deadline, () -> client().admin().setConfiguration(peers));
  }

  /** Asks the leader to hand leadership to {@code id}; waits up to {@code timeout}. */
  public void transferLeadership(String id, Duration timeout) throws StoreException {
    long deadline = System.nanoTime() + timeout.toNanos() + TimeUnit.SECONDS.toNanos(1);
    call("transfer leadership to " + id, deadline,
        () -> client().admin().transferLeadership(RaftPeerId.valueOf(id), timeout.toMillis()));
  }

  // ------------------------------------------------------------------ close

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    leadership.close();
    synchronized (clientLock) {
      closeQuietly(client);
      client = null;
    }
    calls.shutdownNow();
    try {
      server.close();
    } catch (IOException e) {
      LOG.warn("{}: closing the Raft server failed", config.selfId(), e);
    }
  }

  private void checkOpen() throws UnavailableException {
    if (closed) {
      throw new UnavailableException("this manager's store (" + config.selfId() + ") is closed");
    }
  }

  private void checkOpenIo() throws IOException {
    if (closed) {
      throw new InterruptedIOException("this manager's store (" + config.selfId() + ") is closed");
    }
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

  static RaftPeer peer(Member m) {
    return RaftPeer.newBuilder().setId(m.id()).setAddress(m.address()).build();
  }

  StoreStateMachine stateMachine() {
    return stateMachine;
  }

  @Override
  public String toString() {
    return "RaftStore{" + config.selfId() + "@" + config.raftAddress() + ", applied=" + appliedIndex() + "}";
  }
}
