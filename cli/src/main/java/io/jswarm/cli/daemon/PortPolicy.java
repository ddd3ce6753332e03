package io.jswarm.cli.daemon;

import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.jswarm.api.ControlGrpc;
import io.jswarm.api.DispatcherGrpc;
import io.jswarm.api.EngineGrpc;
import io.jswarm.api.MembershipGrpc;
import io.jswarm.pki.Access;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Who may call what on this node's TCP ports — the authorization table of docs/security.md.
 * Every method of every service served on a port has a rule; {@code PortPolicyTest} walks the
 * service descriptors, so an RPC added without a rule fails the build (and is refused at run time).
 */
final class PortPolicy {
  private PortPolicy() {}

  /** Services served on the cluster port (2377). Control is not among them: it stays on the local socket. */
  static List<ServiceDescriptor> clusterServices() {
    return List.of(MembershipGrpc.getServiceDescriptor(), DispatcherGrpc.getServiceDescriptor(), EngineGrpc.getServiceDescriptor());
  }

  /** The cluster port: joiners without a certificate may only fetch the root and join with a token. */
  static Map<String, Access> clusterPort() {
    Map<String, Access> r = new HashMap<>();
    r.put(MembershipGrpc.getGetRootCaMethod().getFullMethodName(), Access.ANYONE);
    r.put(MembershipGrpc.getJoinMethod().getFullMethodName(), Access.ANYONE); // the token is the credential
    // the handlers also check that the request names the caller's own node id
    r.put(MembershipGrpc.getJoinRaftMethod().getFullMethodName(), Access.NODES);
    r.put(MembershipGrpc.getLeaveMethod().getFullMethodName(), Access.NODES);
    r.put(MembershipGrpc.getRenewCertificateMethod().getFullMethodName(), Access.NODES);
    r.put(MembershipGrpc.getManagerInfoMethod().getFullMethodName(), Access.NODES);
    // Hello must name the caller's node id (Dispatcher)
    r.put(DispatcherGrpc.getSessionMethod().getFullMethodName(), Access.NODES);
    // managers gather service logs from the nodes running the tasks; nothing else of the engine
    // (images, imports, pushes) is served off the local socket
    r.put(EngineGrpc.getContainerLogsMethod().getFullMethodName(), Access.MANAGERS);
    for (MethodDescriptor<?, ?> m : EngineGrpc.getServiceDescriptor().getMethods()) r.putIfAbsent(m.getFullMethodName(), Access.NOBODY);
    return r;
  }

  /** The optional remote Control port (--control-addr): admin client certificates only. */
  static List<ServiceDescriptor> controlServices() {
    return List.of(ControlGrpc.getServiceDescriptor());
  }

  static Map<String, Access> controlPort() {
    Map<String, Access> r = new HashMap<>();
    for (MethodDescriptor<?, ?> m : ControlGrpc.getServiceDescriptor().getMethods()) r.put(m.getFullMethodName(), Access.ADMINS);
    return r;
  }
}
