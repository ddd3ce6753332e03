package io.jswarm.store;

import io.jswarm.api.StoreBatch;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member's view of the replicated cluster state: a Ratis server (gRPC transport) whose
 * state machine applies {@link StoreBatch} entries to an indexed in-memory store.
 *
 * <p>Reads are local (they see what this member has applied). Writes go through the Ratis
 * client to the leader (a follower's client is redirected), and return once the entry is
 * applied here too, so a read after a write sees it.
 *
 * <p>This class is the public face; the parts live beside it: {@link Writes} (compute, fence,
 * propose, wait), {@link StoreClient} (the Ratis client, forwarding and deadlines),
 * {@link LinearizableReads}, {@link Membership}, and {@link GroupView} (what this member's Raft
 * server knows of the group).
 */
public final class RaftStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RaftStore.class);

  /** One fixed group: a jswarm cluster is one Raft group. */
  static final RaftGroupId GROUP_ID = RaftGroupId.valueOf(
      UUID.nameUUIDFromBytes("io.jswarm.store/cluster".getBytes(StandardCharsets.UTF_8)));

  /**
   * Entries of grouped writes in flight at once from this member; writes arriving meanwhile wait
   * and form the next entry (see GroupCommit and docs/throughput.md for the measurements). The
   * system property is for the benchmark's comparison only.
   */
  static final int GROUP_COMMIT_IN_FLIGHT = Integer.getInteger("jswarm.store.groupCommitInFlight", 1);

  private final RaftStoreConfig config;
  private final BatchLimits limits;
  private final ObjectStore store;
  private final StoreStateMachine stateMachine;
  private final LeadershipNotifier leadership;
  private final RaftServer server;
  private final GroupView group;
  private final StoreClient client;
  private final GroupCommit groupCommit;
  private final Writes writes;
  private final LinearizableReads reads;
  private final Membership membership;
  private final PeerChannels peerChannels;
  private volatile boolean closed;

  private RaftStore(RaftStoreConfig config, BatchLimits limits, ObjectStore store, StoreStateMachine stateMachine,
      LeadershipNotifier leadership, RaftServer server, RaftProperties clientProperties, Parameters clientTls) {
    this.config = config;
    this.limits = limits;
    this.store = store;
    this.stateMachine = stateMachine;
    this.leadership = leadership;
    this.server = server;
    this.group = new GroupView(config, server);
    this.client = new StoreClient(config, group, clientProperties, clientTls, this::unavailability);
    this.groupCommit = new GroupCommit(limits, GROUP_COMMIT_IN_FLIGHT, client::sendAsync);
    this.writes = new Writes(config, limits, store, stateMachine, group, client, groupCommit, this::isLeader,
        () -> closed);
    this.reads = new LinearizableReads(client, RaftPeerId.valueOf(config.selfId()), group,
        config.electionTimeoutMin().toMillis());
    this.membership = new Membership(config, group, client);
    this.peerChannels = new PeerChannels(config, server, group);
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
        : RaftGroup.valueOf(GROUP_ID, config.initialMembers().stream().map(Membership::peer).toList());
    RaftServer server = RaftServer.newBuilder()
        .setServerId(RaftPeerId.valueOf(config.selfId()))
        .setGroup(group)
        .setStateMachine(sm)
        .setProperties(properties)
        .setParameters(tls == null ? new Parameters() : tls.parameters())
        .setOption(RaftStorage.StartupOption.RECOVER)
        .build();
    LeadershipNotifier notifier = new LeadershipNotifier(config.selfId(), () -> GroupView.isLeaderReady(server));
    RaftProperties clientProperties = RatisProperties.client(config);
    RatisProperties.entryLimits(clientProperties, limits);
    RaftStore rs = new RaftStore(config, limits, store, sm, notifier, server, clientProperties,
        tls == null ? null : tls.parameters());
    sm.bind(notifier, rs.client::dropIfStale);
    notifier.start();
    try {
      server.start();
    } catch (IOException | RuntimeException e) {
      rs.close();
      throw e;
    }
    rs.peerChannels.start();
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
    return writes.update(fn);
  }

  /**
   * As {@link #update}, for a leader component: refused with {@link LostLeadershipException}
   * unless this member is the ready leader, and at apply unless the entry is appended in the
   * term this member led when {@code fn} read the state. Never forwarded by a non-leader.
   */
  public long updateAsLeader(Consumer<Tx> fn) throws StoreException {
    return writes.updateAsLeader(fn);
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
    return writes.newTx(recordReads);
  }

  /** Runs {@code fn} on a new transaction over {@code over} (null: the store) under the read lock. */
  TxImpl runTx(TxImpl over, Consumer<Tx> fn) {
    return writes.runTx(over, fn);
  }

  /** The current Raft term as this member knows it. */
  long currentTerm() throws UnavailableException {
    return writes.currentTerm();
  }

  /** The term this member leads, ready (every earlier entry applied); else LostLeadershipException. */
  long leaderTerm() throws StoreException {
    return writes.leaderTerm();
  }

  /**
   * Proposes one gathered transaction as one entry computed in {@code term} and waits until it
   * is applied here.
   */
  long propose(TxImpl tx, long term, boolean leader) throws StoreException {
    return writes.propose(tx, term, leader);
  }

  /** What this member sees of the group, phrased for an operator. */
  String unavailability() {
    return group.unavailability(closed);
  }

  // ------------------------------------------------------------------ leadership and status

  /** True when this member is the leader and has applied all earlier entries. */
  public boolean isLeader() {
    return !closed && GroupView.isLeaderReady(server);
  }

  /** {@code l.leaderChanged} is called on one dedicated thread, in order, on every change. */
  public void addLeadershipListener(LeadershipListener l) {
    leadership.addListener(l);
  }

  public Optional<String> leaderId() {
    return group.leaderPeerId().map(RaftPeerId::toString);
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
    reads.sync(timeout);
  }

  /**
   * Readies a local read as a user-facing read must be (DESIGN: linearizable, or says it is
   * not): ReadIndex through the leader as {@link #syncForRead}; when leadership cannot be
   * confirmed within {@code timeout} (no leader, no quorum, a leader cut off in a minority), a
   * {@code consistent} read is refused and any other is served from the local copy, marked.
   *
   * @return empty when the read that follows is linearizable; else why it may be stale
   * @throws UnavailableException {@code consistent} and leadership not confirmed in time, or closed
   */
  public Optional<String> prepareRead(Duration timeout, boolean consistent) throws UnavailableException {
    checkOpen();
    return reads.prepare(timeout, consistent);
  }

  /**
   * Index of the first entry still in this member's log: everything before it was purged after a
   * snapshot, so a member that stopped before it can only catch up by installing a snapshot.
   */
  public long logStartIndex() {
    return group.logStartIndex();
  }

  /** Takes a snapshot of this member's state now (and purges the log up to it). */
  public void takeSnapshot() throws IOException {
    if (closed) {
      throw new InterruptedIOException("this manager's store (" + config.selfId() + ") is closed");
    }
    RaftClientReply reply;
    try {
      reply = client.call("snapshot", System.nanoTime() + Math.max(config.writeTimeout().toNanos(), TimeUnit.SECONDS.toNanos(30)),
          () -> client.client().getSnapshotManagementApi(RaftPeerId.valueOf(config.selfId())).create(1, 30_000));
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
    return closed ? new HashMap<>() : group.reachability();
  }

  /** The voting members in the current configuration, sorted by id. */
  public List<Member> members() {
    return membership.members();
  }

  /**
   * Adds a voting member. Start it first with {@link RaftStore#open} and no initial members;
   * the leader then brings it up to date and commits the new configuration.
   */
  public void addMember(String id, String raftAddress) throws StoreException {
    membership.add(id, raftAddress);
  }

  /** Removes a voting member (it stops receiving the log; close its store afterwards). */
  public void removeMember(String id) throws StoreException {
    membership.remove(id);
  }

  /** Asks the leader to hand leadership to {@code id}; waits up to {@code timeout}. */
  public void transferLeadership(String id, Duration timeout) throws StoreException {
    membership.transferLeadership(id, timeout);
  }

  // ------------------------------------------------------------------ close

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    peerChannels.close();
    leadership.close();
    client.close();
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

  static RaftPeer peer(Member m) {
    return Membership.peer(m);
  }

  StoreStateMachine stateMachine() {
    return stateMachine;
  }

  /** Group commit's counters (benchmarks: writes per entry). */
  GroupCommit groupCommit() {
    return groupCommit;
  }

  @Override
  public String toString() {
    return "RaftStore{" + config.selfId() + "@" + config.raftAddress() + ", applied=" + appliedIndex() + "}";
  }
}
