package io.jswarm.store;

import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;

/**
 * Mutual TLS for the Raft transport: this member's certificate (a key manager that may change at
 * run time, for renewal) and the trust manager deciding which peers may talk Raft with it (the
 * swarm's managers only). Servers require a client certificate; the member's own client (writes
 * forwarded to the leader) presents the same one.
 */
public record RaftTls(KeyManager keyManager, TrustManager trustManager) {
  public RaftTls {
    Objects.requireNonNull(keyManager, "keyManager");
    Objects.requireNonNull(trustManager, "trustManager");
  }

  Parameters parameters() {
    GrpcTlsConfig tls = new GrpcTlsConfig(keyManager, trustManager, true);
    Parameters p = new Parameters();
    GrpcConfigKeys.TLS.setConf(p, tls);
    GrpcConfigKeys.Server.setTlsConf(p, tls);
    GrpcConfigKeys.Admin.setTlsConf(p, tls);
    GrpcConfigKeys.Client.setTlsConf(p, tls);
    return p;
  }
}
