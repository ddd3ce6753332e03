package io.jswarm.manager.control;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.jswarm.api.Cluster;
import io.jswarm.api.ControlGrpc;
import io.jswarm.api.CreateNetworkRequest;
import io.jswarm.api.CreateSecretRequest;
import io.jswarm.api.CreateServiceRequest;
import io.jswarm.api.GetSecretRequest;
import io.jswarm.api.ListSecretsRequest;
import io.jswarm.api.ListSecretsResponse;
import io.jswarm.api.RemoveSecretRequest;
import io.jswarm.api.RemoveSecretResponse;
import io.jswarm.api.RotateSecretRequest;
import io.jswarm.api.RotateSecretResponse;
import io.jswarm.api.Secret;
import io.jswarm.api.GetJoinTokenRequest;
import io.jswarm.api.GetJoinTokenResponse;
import io.jswarm.api.GetNetworkRequest;
import io.jswarm.api.GetNodeRequest;
import io.jswarm.api.GetServiceRequest;
import io.jswarm.api.InfoRequest;
import io.jswarm.api.InfoResponse;
import io.jswarm.api.InitSwarmRequest;
import io.jswarm.api.InitSwarmResponse;
import io.jswarm.api.JoinSwarmRequest;
import io.jswarm.api.JoinSwarmResponse;
import io.jswarm.api.LeaveSwarmRequest;
import io.jswarm.api.LeaveSwarmResponse;
import io.jswarm.api.ListNetworksRequest;
import io.jswarm.api.ListNetworksResponse;
import io.jswarm.api.ListNodesRequest;
import io.jswarm.api.ListNodesResponse;
import io.jswarm.api.ListServicesRequest;
import io.jswarm.api.ListServicesResponse;
import io.jswarm.api.ListTasksRequest;
import io.jswarm.api.ListTasksResponse;
import io.jswarm.api.LogLine;
import io.jswarm.api.Network;
import io.jswarm.api.Node;
import io.jswarm.api.RegistryGcRequest;
import io.jswarm.api.RegistryGcResponse;
import io.jswarm.api.RemoveNetworkRequest;
import io.jswarm.api.RemoveNetworkResponse;
import io.jswarm.api.RemoveNodeRequest;
import io.jswarm.api.RemoveNodeResponse;
import io.jswarm.api.RemoveServiceRequest;
import io.jswarm.api.RemoveServiceResponse;
import io.jswarm.api.RollbackServiceRequest;
import io.jswarm.api.Service;
import io.jswarm.api.ServiceLogsRequest;
import io.jswarm.api.StoreDigestRequest;
import io.jswarm.api.StoreDigestResponse;
import io.jswarm.api.SwarmCaRequest;
import io.jswarm.api.SwarmCaResponse;
import io.jswarm.api.UpdateClusterRequest;
import io.jswarm.api.UpdateNodeRequest;
import io.jswarm.api.UpdateServiceRequest;
import io.jswarm.manager.SwarmNode;

/**
 * The Control API (control.proto): one gRPC service whose handlers live per resource, as
 * swarmkit's controlapi splits them — {@link SwarmApi}, {@link NodeApi}, {@link ServiceApi},
 * {@link TaskApi}, {@link NetworkApi}, {@link SecretApi}. This class only binds each RPC to its handler and maps
 * errors to gRPC status once ({@link Errors}). Validation first; nothing is written on bad input.
 */
public final class ControlService extends ControlGrpc.ControlImplBase {
  private final SwarmNode node;
  private final SwarmApi swarm;
  private final NodeApi nodes;
  private final ServiceApi services;
  private final TaskApi tasks;
  private final NetworkApi networks;
  private final SecretApi secrets;

  public ControlService(SwarmNode node) {
    ControlContext ctx = new ControlContext(node);
    this.node = node;
    this.swarm = new SwarmApi(ctx);
    this.nodes = new NodeApi(ctx);
    this.services = new ServiceApi(ctx);
    this.tasks = new TaskApi(ctx);
    this.networks = new NetworkApi(ctx);
    this.secrets = new SecretApi(ctx);
  }

  // ------------------------------------------------------------ swarm

  @Override
  public void initSwarm(InitSwarmRequest req, StreamObserver<InitSwarmResponse> out) {
    Errors.unary(out, () -> node.init(req));
  }

  @Override
  public void joinSwarm(JoinSwarmRequest req, StreamObserver<JoinSwarmResponse> out) {
    Errors.unary(out, () -> node.join(req));
  }

  @Override
  public void leaveSwarm(LeaveSwarmRequest req, StreamObserver<LeaveSwarmResponse> out) {
    Errors.unary(out, () -> {
      node.leave(req);
      return LeaveSwarmResponse.getDefaultInstance();
    });
  }

  @Override
  public void info(InfoRequest req, StreamObserver<InfoResponse> out) {
    Errors.unary(out, swarm::info);
  }

  @Override
  public void getJoinToken(GetJoinTokenRequest req, StreamObserver<GetJoinTokenResponse> out) {
    Errors.unary(out, () -> swarm.joinToken(req));
  }

  @Override
  public void updateCluster(UpdateClusterRequest req, StreamObserver<Cluster> out) {
    Errors.unary(out, () -> swarm.updateCluster(req));
  }

  @Override
  public void swarmCa(SwarmCaRequest req, StreamObserver<SwarmCaResponse> out) {
    Errors.unary(out, () -> swarm.ca(req));
  }

  @Override
  public void storeDigest(StoreDigestRequest req, StreamObserver<StoreDigestResponse> out) {
    Errors.unary(out, swarm::storeDigest);
  }

  @Override
  public void registryGc(RegistryGcRequest req, StreamObserver<RegistryGcResponse> out) {
    Errors.unary(out, () -> swarm.registryGc(req));
  }

  // ------------------------------------------------------------ nodes

  @Override
  public void listNodes(ListNodesRequest req, StreamObserver<ListNodesResponse> out) {
    Errors.unary(out, nodes::list);
  }

  @Override
  public void getNode(GetNodeRequest req, StreamObserver<Node> out) {
    Errors.unary(out, () -> nodes.get(req));
  }

  @Override
  public void updateNode(UpdateNodeRequest req, StreamObserver<Node> out) {
    Errors.unary(out, () -> nodes.update(req));
  }

  @Override
  public void removeNode(RemoveNodeRequest req, StreamObserver<RemoveNodeResponse> out) {
    Errors.unary(out, () -> nodes.remove(req));
  }

  // ------------------------------------------------------------ services

  @Override
  public void createService(CreateServiceRequest req, StreamObserver<Service> out) {
    Errors.unary(out, () -> services.create(req));
  }

  @Override
  public void getService(GetServiceRequest req, StreamObserver<Service> out) {
    Errors.unary(out, () -> services.get(req.getRef()));
  }

  @Override
  public void listServices(ListServicesRequest req, StreamObserver<ListServicesResponse> out) {
    Errors.unary(out, services::list);
  }

  @Override
  public void updateService(UpdateServiceRequest req, StreamObserver<Service> out) {
    Errors.unary(out, () -> services.update(req));
  }

  @Override
  public void rollbackService(RollbackServiceRequest req, StreamObserver<Service> out) {
    Errors.unary(out, () -> services.rollback(req));
  }

  @Override
  public void removeService(RemoveServiceRequest req, StreamObserver<RemoveServiceResponse> out) {
    Errors.unary(out, () -> services.remove(req));
  }

  // ------------------------------------------------------------ tasks

  @Override
  public void listTasks(ListTasksRequest req, StreamObserver<ListTasksResponse> out) {
    Errors.unary(out, () -> tasks.list(req));
  }

  @Override
  public void serviceLogs(ServiceLogsRequest req, StreamObserver<LogLine> out) {
    try {
      tasks.logs(req, (ServerCallStreamObserver<LogLine>) out);
    } catch (Exception e) {
      out.onError(Errors.toStatus(e));
    }
  }

  // ------------------------------------------------------------ networks

  @Override
  public void createNetwork(CreateNetworkRequest req, StreamObserver<Network> out) {
    Errors.unary(out, () -> networks.create(req));
  }

  @Override
  public void getNetwork(GetNetworkRequest req, StreamObserver<Network> out) {
    Errors.unary(out, () -> networks.get(req.getRef()));
  }

  @Override
  public void listNetworks(ListNetworksRequest req, StreamObserver<ListNetworksResponse> out) {
    Errors.unary(out, networks::list);
  }

  @Override
  public void removeNetwork(RemoveNetworkRequest req, StreamObserver<RemoveNetworkResponse> out) {
    Errors.unary(out, () -> networks.remove(req));
  }

  // ------------------------------------------------------------ secrets and configs

  @Override
  public void createSecret(CreateSecretRequest req, StreamObserver<Secret> out) {
    Errors.unary(out, () -> secrets.create(req));
  }

  @Override
  public void getSecret(GetSecretRequest req, StreamObserver<Secret> out) {
    Errors.unary(out, () -> secrets.get(req));
  }

  @Override
  public void listSecrets(ListSecretsRequest req, StreamObserver<ListSecretsResponse> out) {
    Errors.unary(out, () -> secrets.list(req));
  }

  @Override
  public void removeSecret(RemoveSecretRequest req, StreamObserver<RemoveSecretResponse> out) {
    Errors.unary(out, () -> secrets.remove(req));
  }

  @Override
  public void rotateSecret(RotateSecretRequest req, StreamObserver<RotateSecretResponse> out) {
    Errors.unary(out, () -> secrets.rotate(req));
  }
}
