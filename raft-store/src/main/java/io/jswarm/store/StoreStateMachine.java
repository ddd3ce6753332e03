package io.jswarm.store;

import io.jswarm.api.StoreBatch;
import io.jswarm.api.StoreSnapshot;
import java.io.BufferedOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.ratis.proto.RaftProtos;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.apache.ratis.io.MD5Hash;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ratis state machine: applies entries ({@link StoreEntries}: groups of {@link StoreBatch}) to the {@link ObjectStore},
 * writes and loads {@link StoreSnapshot} files, and reports leadership.
 *
 * <p>Ratis calls apply, takeSnapshot and reinitialize on its one updater thread, so they never
 * race with each other. Snapshot install from a leader goes pause() then reinitialize(): the
 * updater asserts PAUSED in between (RATIS-NOTES), which the base class would not give.
 */
final class StoreStateMachine extends BaseStateMachine {
  private static final Logger LOG = LoggerFactory.getLogger(StoreStateMachine.class);

  private final ObjectStore store;
  private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
  private final Object appliedMonitor = new Object();
  private final AtomicInteger reinitializations = new AtomicInteger();
  private volatile LeadershipNotifier leadership;
  private volatile Runnable onConfigurationChanged = () -> { };

  StoreStateMachine(ObjectStore store) {
    this.store = store;
  }

  void bind(LeadershipNotifier notifier, Runnable configurationChanged) {
    this.leadership = notifier;
    this.onConfigurationChanged = configurationChanged;
  }

  // ------------------------------------------------------------------ lifecycle

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage)
      throws IOException {
    super.initialize(server, groupId, raftStorage);
    storage.init(raftStorage);
    getLifeCycle().transition(LifeCycle.State.STARTING);
    loadSnapshot(storage.getLatestSnapshot());
    getLifeCycle().transition(LifeCycle.State.RUNNING);
  }

  /** Called before a snapshot from the leader replaces our state; may be called twice. */
  @Override
  public void pause() {
    LifeCycle lc = getLifeCycle();
    if (lc.compareAndTransition(LifeCycle.State.RUNNING, LifeCycle.State.PAUSING)) {
      lc.transition(LifeCycle.State.PAUSED);
    }
  }

  /** Loads the snapshot just installed (the newest on disk) and resumes. */
  @Override
  public void reinitialize() throws IOException {
    reinitializations.incrementAndGet();
    getLifeCycle().transition(LifeCycle.State.STARTING);
    loadSnapshot(storage.loadLatestSnapshot());
    getLifeCycle().transition(LifeCycle.State.RUNNING);
  }

  @Override
  public StateMachineStorage getStateMachineStorage() {
    return storage;
  }

  @Override
  public void close() throws IOException {
    getLifeCycle().checkStateAndClose(() -> { });
  }

  // ------------------------------------------------------------------ apply

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    RaftProtos.LogEntryProto entry = trx.getLogEntry();
    long index = entry.getIndex();
    Message answer = StoreEntries.apply(store,
        entry.getStateMachineLogEntry().getLogData().asReadOnlyByteBuffer(), index, entry.getTerm());
    updateLastAppliedTermIndex(entry.getTerm(), index);
    return CompletableFuture.completedFuture(answer);
  }

  @Override
  protected boolean updateLastAppliedTermIndex(TermIndex newTI) {
    boolean changed = super.updateLastAppliedTermIndex(newTI);
    synchronized (appliedMonitor) {
      appliedMonitor.notifyAll();
    }
    return changed;
  }

  @Override
  protected void setLastAppliedTermIndex(TermIndex newTI) {
    super.setLastAppliedTermIndex(newTI);
    if (appliedMonitor != null) { // null while the base constructor runs
      synchronized (appliedMonitor) {
        appliedMonitor.notifyAll();
      }
    }
  }

  /** How many snapshots from a leader were installed here since start. */
  int reinitializations() {
    return reinitializations.get();
  }

  /**
   * The answer to a linearizable read: Ratis calls this once this member has applied up to the
   * leader's read index, which is all RaftStore.syncForRead needs; the data is then read locally.
   */
  @Override
  public java.util.concurrent.CompletableFuture<Message> query(Message request) {
    return java.util.concurrent.CompletableFuture.completedFuture(
        Message.valueOf(Long.toString(appliedIndex())));
  }

  long appliedIndex() {
    return getLastAppliedTermIndex().getIndex();
  }

  /** Waits until this replica has applied {@code index}; false if the wait timed out. */
  boolean awaitApplied(long index, long timeoutNanos) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutNanos;
    synchronized (appliedMonitor) {
      while (appliedIndex() < index) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(appliedMonitor, left);
      }
      return true;
    }
  }

  // ------------------------------------------------------------------ snapshots

  @Override
  public long takeSnapshot() throws IOException {
    TermIndex last = getLastAppliedTermIndex();
    if (last == null || last.getIndex() <= 0) {
      return RaftLog.INVALID_LOG_INDEX;
    }
    SingleFileSnapshotInfo latest = storage.getLatestSnapshot();
    if (latest != null && latest.getIndex() >= last.getIndex()) {
      return latest.getIndex();
    }
    StoreSnapshot snapshot = store.toSnapshot().toBuilder().setIndex(last.getIndex()).build();
    File file = storage.getSnapshotFile(last.getTerm(), last.getIndex());
    Path tmp = file.toPath().resolveSibling(file.getName() + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch))) {
      snapshot.writeTo(out);
      out.flush();
      ch.force(true);
    }
    Files.move(tmp, file.toPath(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    fsyncDir(file.getParentFile().toPath());
    MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(file);
    storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(), md5), last));
    LOG.info("{}: snapshot of {} objects at {} written to {}", getId(), snapshot.getObjectsCount(), last, file);
    return last.getIndex();
  }

  private static void fsyncDir(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      LOG.debug("could not fsync directory {}", dir, e); // not supported on every file system
    }
  }

  private void loadSnapshot(SingleFileSnapshotInfo info) throws IOException {
    if (info == null) {
      LOG.info("{}: no snapshot; state starts empty and the log is replayed", getId());
      return;
    }
    File file = info.getFile().getPath().toFile();
    MD5Hash expected = info.getFile().getFileDigest();
    if (expected == null) {
      expected = MD5FileUtil.readStoredMd5ForFile(file);
    }
    if (expected != null) {
      MD5FileUtil.verifySavedMD5(file, expected);
    }
    StoreSnapshot snapshot;
    try (InputStream in = Files.newInputStream(file.toPath())) {
      snapshot = StoreSnapshot.parseFrom(in);
    }
    store.restore(snapshot.toBuilder().setIndex(info.getIndex()).build());
    setLastAppliedTermIndex(info.getTermIndex());
    LOG.info("{}: loaded snapshot {} with {} objects", getId(), info.getTermIndex(), snapshot.getObjectsCount());
  }

  // ------------------------------------------------------------------ events

  @Override
  public void notifyLeaderReady() {
    signalLeadership(true);
  }

  @Override
  public void notifyNotLeader(Collection<TransactionContext> pendingEntries) {
    signalLeadership(false);
  }

  @Override
  public void notifyLeaderChanged(RaftGroupMemberId groupMemberId, RaftPeerId newLeaderId) {
    if (newLeaderId == null || !newLeaderId.equals(groupMemberId.getPeerId())) {
      signalLeadership(false);
    }
  }

  @Override
  public void notifyServerShutdown(RaftProtos.RoleInfoProto roleInfo, boolean allServer) {
    signalLeadership(false);
  }

  @Override
  public void notifyConfigurationChanged(long term, long index,
      RaftProtos.RaftConfigurationProto newRaftConfiguration) {
    onConfigurationChanged.run();
  }

  private void signalLeadership(boolean isLeader) {
    LeadershipNotifier n = leadership;
    if (n != null) {
      n.signal(isLeader);
    }
  }
}
