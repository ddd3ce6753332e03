package io.jswarm.registry.auth;

import io.jswarm.registry.core.ErrorCode;
import io.jswarm.registry.core.RegistryException;
import java.security.cert.X509Certificate;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/**
 * What a certificate issued by the swarm's CA may do on the registry. The subject is
 * {@code CN=<node id>, OU=<role>, O=<cluster id>}; the chain was verified against the swarm's roots
 * by the TLS handshake before this is asked.
 *
 * <table>
 *   <tr><th>OU</th><th>may</th></tr>
 *   <tr><td>{@value #WORKER}</td><td>pull</td></tr>
 *   <tr><td>{@value #MANAGER}</td><td>pull, push, delete, the peer blob copies</td></tr>
 *   <tr><td>{@value #ADMIN}</td><td>pull, push, delete, gc</td></tr>
 * </table>
 *
 * A certificate of another cluster (its O) is refused, not merely given no rights: its holder
 * believes it is someone here, and should learn otherwise with a message.
 */
public final class SwarmIdentity {
  public static final String WORKER = "swarm-worker";
  public static final String MANAGER = "swarm-manager";
  public static final String ADMIN = "swarm-admin";

  /** The table above; a role not in it gets nothing. */
  public static final Map<String, Set<Action>> ROLE_ACTIONS = Map.of(
      WORKER, EnumSet.of(Action.PULL),
      MANAGER, EnumSet.of(Action.PULL, Action.PUSH, Action.DELETE, Action.PEER),
      ADMIN, EnumSet.of(Action.PULL, Action.PUSH, Action.DELETE, Action.GC));

  /** The subject's fields the registry reads. */
  public record Subject(String nodeId, String role, String clusterId) {}

  private SwarmIdentity() {}

  /** Reads CN, OU and O of a certificate's subject (empty strings when absent). */
  public static Subject subject(X509Certificate cert) {
    String cn = "";
    String ou = "";
    String o = "";
    try {
      for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName(X500Principal.RFC2253)).getRdns()) {
        String v = String.valueOf(rdn.getValue());
        switch (rdn.getType().toUpperCase(java.util.Locale.ROOT)) {
          case "CN" -> cn = v;
          case "OU" -> ou = v;
          case "O" -> o = v;
          default -> { }
        }
      }
    } catch (InvalidNameException e) {
      throw new RegistryException(ErrorCode.DENIED, 403, "client certificate subject is unreadable: "
          + cert.getSubjectX500Principal(), null);
    }
    return new Subject(cn, ou, o);
  }

  /**
   * The principal of a verified swarm certificate.
   *
   * @param clusterId the cluster this registry serves; null or empty accepts any (a test without a cluster)
   * @throws RegistryException DENIED (403) for another cluster's certificate
   */
  public static Principal principal(X509Certificate cert, String clusterId) {
    Subject s = subject(cert);
    if (clusterId != null && !clusterId.isEmpty() && !clusterId.equals(s.clusterId())) {
      throw new RegistryException(ErrorCode.DENIED, 403, "client certificate " + s.nodeId() + " belongs to cluster '"
          + s.clusterId() + "', this registry serves cluster '" + clusterId + "'", null);
    }
    Set<Action> actions = ROLE_ACTIONS.getOrDefault(s.role(), Set.of());
    return Principal.of(s.role() + ":" + s.nodeId(), Principal.Source.CERTIFICATE, actions);
  }
}
