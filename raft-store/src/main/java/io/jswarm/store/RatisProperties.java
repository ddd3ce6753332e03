package io.jswarm.store;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/** Every Ratis setting we change, in one place, with why. */
final class RatisProperties {
  private RatisProperties() {}

  static RaftProperties server(RaftStoreConfig c) {
    RaftProperties p = new RaftProperties();
    RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
    GrpcConfigKeys.Server.setHost(p, c.host());
    GrpcConfigKeys.Server.setPort(p, c.port());
    RaftServerConfigKeys.setStorageDir(p, List.of(c.dataDir().toFile()));

    RaftServerConfigKeys.Rpc.setTimeoutMin(p, ms(c.electionTimeoutMin().toMillis()));
    RaftServerConfigKeys.Rpc.setTimeoutMax(p, ms(c.electionTimeoutMax().toMillis()));
    // server-to-server requests must be allowed to outlive an election timeout
    RaftServerConfigKeys.Rpc.setRequestTimeout(p, ms(Math.max(3000, 2 * c.electionTimeoutMax().toMillis())));

    // read-only requests go through ReadIndex (RaftStore.syncForRead), never a stale local answer
    RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);

    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, c.snapshotInterval());
    RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
    // default false keeps the whole log forever (RATIS-NOTES); lagging followers get the snapshot
    RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
    // purge at (nearly) every snapshot, not only once 1024 entries (the default gap) have piled
    // up: snapshots may also be taken more often than the configured interval (SnapshotKeeper)
    RaftServerConfigKeys.Log.setPurgeGap(p, (int) Math.min(100, c.snapshotInterval()));
    // only closed segments are purged, so the segment size bounds what is kept after a snapshot
    // (1 MB: cluster objects are small, and a long tail of unpurged log only slows restarts)
    RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf("1MB"));
    RaftServerConfigKeys.Log.setPreallocatedSize(p, SizeInBytes.valueOf("256KB"));
    return p;
  }

  /**
   * Ratis's own size limits, set explicitly and well above the largest entry we propose
   * ({@link BatchLimits}, refused before Raft), so that Ratis never meets an entry it refuses:
   * an entry over the appender's buffer made the leader step down (issue 11). Applied to server
   * and client properties. See docs/limits.md.
   */
  static void entryLimits(RaftProperties p, BatchLimits limits) {
    // the largest entry plus room for the Raft envelope; 4 MB (Ratis's default) at least, so a
    // leader still ships several small entries per append
    SizeInBytes entry = SizeInBytes.valueOf(Math.max(4L << 20, 2L * limits.maxBytes() + (64 << 10)));
    RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, entry);
    // Ratis refuses to start unless its log write buffer holds the appender's buffer + 8 bytes
    // (measured: IllegalArgumentException at start with a 16 MB entry bound); default 8 MB
    RaftServerConfigKeys.Log.setWriteBufferSize(p,
        SizeInBytes.valueOf(Math.max(8L << 20, entry.getSize() + 8)));
    // one gRPC message carries one append (several entries up to the buffer limit) or a client
    // request (one entry); a snapshot is sent in chunks of at most this size too
    SizeInBytes message = SizeInBytes.valueOf(2 * entry.getSize());
    GrpcConfigKeys.setMessageSizeMax(p, message);
    RaftServerConfigKeys.Log.Appender.setSnapshotChunkSizeMax(p, entry);
  }

  static RaftProperties client(RaftStoreConfig c) {
    RaftProperties p = new RaftProperties();
    RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
    // One attempt may not take the whole write timeout: leave room for a retry on a new leader.
    // An attempt sent to a leader that died silently (host gone, partition) hangs until this
    // timeout, so it is at most one election timeout: by then the election has a winner to retry
    // on. A retry of a slow but live attempt is safe: it keeps its call id, and the leader's retry
    // cache answers it with the first attempt's result.
    RaftClientConfigKeys.Rpc.setRequestTimeout(p, ms(Math.max(500,
        Math.min(c.writeTimeout().toMillis() / 2, c.electionTimeoutMax().toMillis()))));
    return p;
  }

  private static TimeDuration ms(long millis) {
    return TimeDuration.valueOf(millis, TimeUnit.MILLISECONDS);
  }
}
