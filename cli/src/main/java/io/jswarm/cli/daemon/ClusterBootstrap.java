package io.jswarm.cli.daemon;

import io.jswarm.api.Cluster;
import io.jswarm.api.ClusterSpec;
import io.jswarm.api.ManagerStatus;
import io.jswarm.api.Node;
import io.jswarm.api.NodeDescription;
import io.jswarm.api.NodeSpec;
import io.jswarm.api.NodeStatus;
import io.jswarm.manager.dispatcher.HeartbeatSettings;
import io.jswarm.manager.ca.CertificateAuthority;
import io.jswarm.pki.SwarmCa;
import io.jswarm.manager.orchestrator.TaskReaper;
import io.jswarm.store.RaftStoreConfig;

/** The objects a new swarm starts with: its Cluster (settings, tokens) and the first manager. */
final class ClusterBootstrap {
  private ClusterBootstrap() {}

  /** @param clusterKey seals the CA key in the store; kept by managers only, never in the log */
  static Cluster cluster(String clusterId, long nowMs, SwarmCa ca, byte[] clusterKey) {
    return CertificateAuthority.install(Cluster.newBuilder().setId(clusterId), ca, clusterKey).setCreatedAtMs(nowMs)
        .setRegistrySecret(newRegistrySecret())
        .setSpec(ClusterSpec.newBuilder()
            .setHeartbeatPeriodMs(HeartbeatSettings.DEFAULT_HEARTBEAT_MS)
            .setGraceMultiplier(HeartbeatSettings.DEFAULT_GRACE_MULTIPLIER)
            .setUnknownGraceMultiplier(HeartbeatSettings.DEFAULT_UNKNOWN_GRACE_MULTIPLIER)
            .setTaskHistoryLimit(TaskReaper.DEFAULT_HISTORY_LIMIT)
            .setSnapshotInterval(RaftStoreConfig.DEFAULT_SNAPSHOT_INTERVAL)
            .setElectionTimeoutMs(RaftStoreConfig.DEFAULT_ELECTION_TIMEOUT_MAX.toMillis()))
        .build();
  }

  /** 256 random bits, base64url: the nodes' registry login (Cluster.registry_secret). */
  static String newRegistrySecret() {
    byte[] b = new byte[32];
    new java.security.SecureRandom().nextBytes(b);
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  static Node firstManager(String nodeId, DaemonConfig cfg, NodeDescription description) {
    return Node.newBuilder().setId(nodeId).setRole(NodeSpec.Role.MANAGER)
        .setSpec(NodeSpec.newBuilder().setName(cfg.nodeName()).setDesiredRole(NodeSpec.Role.MANAGER))
        .setDescription(description)
        .setStatus(NodeStatus.newBuilder().setState(NodeStatus.State.UNKNOWN).setAddr(cfg.advertiseAddr()))
        .setManagerStatus(ManagerStatus.newBuilder().setRaftId(nodeId).setAddr(cfg.advertiseAddr())
            .setRaftAddr(cfg.raftAddr()).setReachability(ManagerStatus.Reachability.REACHABLE))
        .build();
  }
}
