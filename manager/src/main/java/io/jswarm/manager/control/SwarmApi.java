package io.jswarm.manager.control;

import io.grpc.Status;
import io.jswarm.api.Cluster;
import io.jswarm.api.GetJoinTokenRequest;
import io.jswarm.api.GetJoinTokenResponse;
import io.jswarm.api.InfoResponse;
import io.jswarm.api.NodeSpec;
import io.jswarm.api.RegistryGcRequest;
import io.jswarm.api.RegistryGcResponse;
import io.jswarm.api.StoreDigestResponse;
import io.jswarm.api.SwarmCaRequest;
import io.jswarm.api.SwarmCaResponse;
import io.jswarm.api.UpdateClusterRequest;
import io.jswarm.manager.membership.JoinTokens;
import io.jswarm.store.RaftStore;
import java.security.cert.CertificateException;

/** The swarm as a whole: info, cluster settings, join tokens, the CA, the store's digest, registry GC. */
final class SwarmApi {
  private final ControlContext ctx;

  SwarmApi(ControlContext ctx) {
    this.ctx = ctx;
  }

  InfoResponse info() {
    InfoResponse.Builder b = ctx.node.localInfo();
    var m = ctx.node.manager();
    if (m.isPresent()) {
      RaftStore s = m.get().store();
      b.setIsManager(true).setSwarmActive(true);
      s.read(v -> {
        b.setNodes(v.nodes().size());
        b.setManagers((int) v.nodes().stream().filter(n -> n.getRole() == NodeSpec.Role.MANAGER).count());
        v.cluster().ifPresent(c -> b.setClusterId(c.getId()).setCluster(c.toBuilder().clearRegistrySecret().clearRootCaKeySealed()));
        return null;
      });
      s.leaderId().ifPresent(b::setLeaderNodeId);
    }
    return b.build();
  }

  GetJoinTokenResponse joinToken(GetJoinTokenRequest req) throws Exception {
    RaftStore s = ctx.store();
    boolean manager = req.getRole() == NodeSpec.Role.MANAGER;
    if (req.getRotate()) {
      s.update(tx -> {
        var c = tx.cluster().orElseThrow();
        String fresh = JoinTokens.newToken(c.getCaDigest());
        tx.update(manager ? c.toBuilder().setManagerJoinToken(fresh).build() : c.toBuilder().setWorkerJoinToken(fresh).build());
      });
    }
    var c = s.read(v -> v.cluster()).orElseThrow(() -> Status.UNAVAILABLE.withDescription("swarm not initialized").asException());
    return GetJoinTokenResponse.newBuilder().setToken(manager ? c.getManagerJoinToken() : c.getWorkerJoinToken()).build();
  }

  Cluster updateCluster(UpdateClusterRequest req) throws Exception {
    ClusterSpecs.validate(req.getSpec());
    RaftStore s = ctx.store();
    s.update(tx -> {
      var c = tx.cluster().orElseThrow();
      if (c.getMeta().getVersion() != req.getVersion()) {
        throw Status.ABORTED.withDescription("update out of sequence: the swarm settings changed meanwhile; run the command again").asRuntimeException();
      }
      tx.update(c.toBuilder().setSpec(req.getSpec()).build());
    });
    return s.read(v -> v.cluster()).orElseThrow().toBuilder().clearRegistrySecret().clearRootCaKeySealed().build();
  }

  SwarmCaResponse ca(SwarmCaRequest req) throws Exception {
    ctx.store();
    var ca = ctx.node.certificateAuthority().orElseThrow(() -> Status.FAILED_PRECONDITION
        .withDescription("this manager holds no CA").asException());
    if (req.getRotate()) {
      if (req.getCaCertPem().isEmpty() != req.getCaKeyPem().isEmpty()) {
        throw Status.INVALID_ARGUMENT.withDescription("--ca-cert and --ca-key go together").asException();
      }
      try {
        ca.rotate(req.getCaCertPem(), req.getCaKeyPem());
      } catch (CertificateException e) {
        throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asException();
      }
    }
    ca.finishRotationIfDone();
    var b = SwarmCaResponse.newBuilder().setRootCaPem(ca.rootPem()).setTrustedRootsPem(ca.trustedRootsPem())
        .setCaDigest(ctx.store().read(v -> v.cluster().map(c -> c.getCaDigest()).orElse("")));
    if (!req.getIssueClient().isEmpty()) {
      String[] certKey = ca.issueClient(req.getIssueClient());
      b.setClientCertPem(certKey[0]).setClientKeyPem(certKey[1]);
    }
    return b.build();
  }

  StoreDigestResponse storeDigest() throws Exception {
    RaftStore s = ctx.store();
    return StoreDigestResponse.newBuilder().setDigest(s.digest())
        .setAppliedIndex(s.appliedIndex()).setRaftId(s.selfId()).setLeader(s.isLeader())
        .setLogStartIndex(Math.max(0, s.logStartIndex())).build();
  }

  RegistryGcResponse registryGc(RegistryGcRequest req) throws Exception {
    if (req.getGraceMs() < 0) throw Status.INVALID_ARGUMENT.withDescription("the grace period cannot be negative").asException();
    ctx.store(); // a manager, or the usual "not a manager" error
    return ctx.node.registryGc(req);
  }
}
