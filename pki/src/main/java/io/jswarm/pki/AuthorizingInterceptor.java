package io.jswarm.pki;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.function.Predicate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The authorization edge of a TLS listener: reads the caller's certificate (already verified in
 * the handshake), checks it against the rule of the called method, and refuses what no rule
 * allows — a method without a rule is refused too, so a new RPC is closed until someone decides
 * who may call it. Every refusal is logged with the peer's address and certificate subject.
 */
public final class AuthorizingInterceptor implements ServerInterceptor {
  private static final Logger LOG = LoggerFactory.getLogger(AuthorizingInterceptor.class);
  private final String listener;
  private final Map<String, Access> rules;
  private final Predicate<String> removed;

  /**
   * @param listener what the port is, for messages ("cluster port 10.0.0.1:2377")
   * @param rules full method name ("jswarm.api.Membership/Join") → who may call it
   * @param removed node ids refused on every call, even over a connection opened before removal
   */
  public AuthorizingInterceptor(String listener, Map<String, Access> rules, Predicate<String> removed) {
    this.listener = listener;
    this.rules = Map.copyOf(rules);
    this.removed = removed;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    Object peer = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    PeerIdentity who;
    SSLSession ssl = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    if (ssl == null) {
      return refuse(call, Status.UNAUTHENTICATED.withDescription(listener + " speaks TLS only"), method, peer, "no TLS");
    }
    try {
      Certificate[] certs = ssl.getPeerCertificates();
      who = certs.length > 0 && certs[0] instanceof X509Certificate x ? PeerIdentity.of(x) : null;
    } catch (SSLPeerUnverifiedException e) {
      who = null;
    } catch (CertificateException e) {
      return refuse(call, Status.UNAUTHENTICATED.withDescription("not a swarm certificate: " + e.getMessage()), method, peer, "?");
    }
    String subject = who == null ? "no certificate" : who.subject();
    Access access = rules.get(method);
    if (access == null) {
      return refuse(call, Status.PERMISSION_DENIED.withDescription(method + " is not served on the " + listener), method, peer, subject);
    }
    if (who != null && removed.test(who.nodeId())) {
      return refuse(call, Status.PERMISSION_DENIED.withDescription("node " + who.nodeId()
          + " was removed from the swarm; run \"jswarm swarm leave --force\" on it and join again"), method, peer, subject);
    }
    if (!access.allows(who)) {
      Status s = who == null
          ? Status.UNAUTHENTICATED.withDescription(method + " needs a certificate from the swarm's CA: join the swarm "
              + "first, or use an admin client certificate (jswarm swarm ca --issue-client)")
          : Status.PERMISSION_DENIED.withDescription("a " + who.role().ou() + " certificate may not call " + method
              + " (allowed: " + access.roles() + ")");
      return refuse(call, s, method, peer, subject);
    }
    Context ctx = who == null ? Context.current() : Context.current().withValue(CallerIdentity.KEY, who);
    return Contexts.interceptCall(ctx, call, headers, next);
  }

  private <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status s, String method, Object peer, String subject) {
    LOG.warn("refused {} from {} ({}) on {}: {}", method, peer, subject, listener, s.getDescription());
    call.close(s, new Metadata());
    return new ServerCall.Listener<>() { };
  }
}
