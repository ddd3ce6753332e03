package io.jswarm.store;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How one member runs.
 *
 * @param dataDir where the Raft log, metadata and snapshots live (created if missing)
 * @param selfId this member's id (also its Ratis peer id)
 * @param raftAddress host:port this member's Raft server listens on and peers dial
 * @param initialMembers the members of a new group (including self) to bootstrap; empty to
 *     restart from {@code dataDir} or to join an existing group (a leader then adds us)
 * @param snapshotInterval take a snapshot (and purge the log) every this many entries
 * @param electionTimeoutMin lower bound of the randomized election timeout
 * @param electionTimeoutMax upper bound of the randomized election timeout
 * @param writeTimeout how long {@link RaftStore#update} waits before it reports the store
 *     unavailable
 */
public record RaftStoreConfig(
    Path dataDir,
    String selfId,
    String raftAddress,
    List<Member> initialMembers,
    long snapshotInterval,
    Duration electionTimeoutMin,
    Duration electionTimeoutMax,
    Duration writeTimeout) {

  public static final long DEFAULT_SNAPSHOT_INTERVAL = 10_000;
  /**
   * 0.3–0.6 s. A Ratis follower sleeps a random timeout T, then checks whether its last RPC is
   * older than that same T; a check just after the leader's last heartbeat fails, so it notices a
   * dead leader after the rest of one sleep plus a whole new one: 1.5 × T on average, 2 × max at
   * worst. With 0.6–1.2 s a write after a leader kill waited 1.35–1.75 s (median of 4, three
   * members in one JVM) and a person at the CLI 2.5 s and more; 0.3–0.6 s gave 0.71 s in the
   * same run. RATIS-NOTES saw leadership loss with 150–300 ms under 0.3–0.4 s JVM pauses, which
   * SerialGC's full collections caused; the daemon runs G1 with a 50 ms pause goal since.
   */
  public static final Duration DEFAULT_ELECTION_TIMEOUT_MIN = Duration.ofMillis(300);
  public static final Duration DEFAULT_ELECTION_TIMEOUT_MAX = Duration.ofMillis(600);
  public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(10);

  public RaftStoreConfig {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(selfId, "selfId");
    Objects.requireNonNull(raftAddress, "raftAddress");
    initialMembers = List.copyOf(initialMembers == null ? List.of() : initialMembers);
    Objects.requireNonNull(electionTimeoutMin, "electionTimeoutMin");
    Objects.requireNonNull(electionTimeoutMax, "electionTimeoutMax");
    Objects.requireNonNull(writeTimeout, "writeTimeout");
    if (snapshotInterval <= 0) {
      throw new IllegalArgumentException("snapshotInterval must be > 0: " + snapshotInterval);
    }
    if (electionTimeoutMax.compareTo(electionTimeoutMin) <= 0) {
      throw new IllegalArgumentException("electionTimeoutMax must exceed electionTimeoutMin");
    }
    if (writeTimeout.isNegative() || writeTimeout.isZero()) {
      throw new IllegalArgumentException("writeTimeout must be > 0");
    }
    if (!initialMembers.isEmpty()
        && initialMembers.stream().noneMatch(m -> m.id().equals(selfId))) {
      throw new IllegalArgumentException("initialMembers must include self " + selfId);
    }
    int colon = raftAddress.lastIndexOf(':');
    if (colon <= 0 || colon == raftAddress.length() - 1) {
      throw new IllegalArgumentException("raftAddress must be host:port: " + raftAddress);
    }
  }

  /** Defaults for everything but identity: snapshot every 10,000 entries, 0.3–0.6 s elections, 10 s writes. */
  public static RaftStoreConfig defaults(
      Path dataDir, String selfId, String raftAddress, List<Member> initialMembers) {
    return new RaftStoreConfig(dataDir, selfId, raftAddress, initialMembers,
        DEFAULT_SNAPSHOT_INTERVAL, DEFAULT_ELECTION_TIMEOUT_MIN, DEFAULT_ELECTION_TIMEOUT_MAX,
        DEFAULT_WRITE_TIMEOUT);
  }

  public static Builder builder(Path dataDir, String selfId, String raftAddress) {
    return new Builder(dataDir, selfId, raftAddress);
  }

  public RaftStoreConfig withInitialMembers(List<Member> members) {
    return new RaftStoreConfig(dataDir, selfId, raftAddress, members, snapshotInterval,
        electionTimeoutMin, electionTimeoutMax, writeTimeout);
  }

  int port() {
    return Integer.parseInt(raftAddress.substring(raftAddress.lastIndexOf(':') + 1));
  }

  String host() {
    return raftAddress.substring(0, raftAddress.lastIndexOf(':'));
  }

  /** Builds a {@link RaftStoreConfig}; unset values take the defaults. */
  public static final class Builder {
    private final Path dataDir;
    private final String selfId;
    private final String raftAddress;
    private List<Member> initialMembers = List.of();
    private long snapshotInterval = DEFAULT_SNAPSHOT_INTERVAL;
    private Duration electionTimeoutMin = DEFAULT_ELECTION_TIMEOUT_MIN;
    private Duration electionTimeoutMax = DEFAULT_ELECTION_TIMEOUT_MAX;
    private Duration writeTimeout = DEFAULT_WRITE_TIMEOUT;

    private Builder(Path dataDir, String selfId, String raftAddress) {
      this.dataDir = dataDir;
      this.selfId = selfId;
      this.raftAddress = raftAddress;
    }

    public Builder initialMembers(List<Member> members) {
      this.initialMembers = members;
      return this;
    }

    public Builder snapshotInterval(long entries) {
      this.snapshotInterval = entries;
      return this;
    }

    public Builder electionTimeout(Duration min, Duration max) {
      this.electionTimeoutMin = min;
      this.electionTimeoutMax = max;
      return this;
    }

    public Builder writeTimeout(Duration timeout) {
      this.writeTimeout = timeout;
      return this;
    }

    public RaftStoreConfig build() {
      return new RaftStoreConfig(dataDir, selfId, raftAddress, initialMembers, snapshotInterval,
          electionTimeoutMin, electionTimeoutMax, writeTimeout);
    }
  }
}
