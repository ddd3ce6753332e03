package io.jswarm.cli;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.jswarm.api.ControlGrpc;
import io.jswarm.api.EngineGrpc;
import java.util.concurrent.TimeUnit;

/**
 * The CLI's connection to a daemon: {@code unix:///path.sock} (default) or {@code tcp://host:port},
 * as with {@code docker -H}. A tcp:// host is a manager's remote Control port (daemon
 * --control-addr): always mutual TLS with a swarm-admin client certificate, the server checked to
 * be a manager of the swarm whose CA the user trusts. There is no plaintext remote control.
 */
public final class Client implements AutoCloseable {
  public static final String DEFAULT_HOST = "unix:///run/jswarm/jswarm.sock";

  private final String host;
  private final ManagedChannel channel;
  private final EpollEventLoopGroup group;
  private final boolean consistent;

  /** Files of a swarm-admin client certificate ({@code jswarm swarm ca --issue-client NAME -o DIR}). */
  public record Tls(java.nio.file.Path caCert, java.nio.file.Path cert, java.nio.file.Path key) {}

  public Client(String host) {
    this(host, null);
  }

  public Client(String host, Tls tls) {
    this(host, tls, false);
  }

  /** @param consistent refuse answers a manager cannot confirm are current (jswarm --consistent) */
  public Client(String host, Tls tls, boolean consistent) {
    this.host = host;
    this.consistent = consistent;
    if (host.startsWith("unix://")) {
      group = new EpollEventLoopGroup(1);
      channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(host.substring("unix://".length())))
          .eventLoopGroup(group)
          .channelType(EpollDomainSocketChannel.class)
          .usePlaintext()
          .maxInboundMessageSize(64 << 20)
          .build();
    } else if (host.startsWith("tcp://")) {
      group = null;
      channel = NettyChannelBuilder.forTarget(host.substring("tcp://".length())).sslContext(sslContext(tls))
          // every manager certificate names "swarm-manager": the check that the server is one
          .overrideAuthority("swarm-manager")
          .maxInboundMessageSize(64 << 20).build();
    } else {
      throw new IllegalArgumentException("invalid host \"" + host + "\": use unix:///path/to.sock or tcp://HOST:PORT");
    }
  }

  public String host() {
    return host;
  }

  private static io.grpc.netty.shaded.io.netty.handler.ssl.SslContext sslContext(Tls tls) {
    if (tls == null) throw new IllegalArgumentException("a tcp:// host needs a client certificate (--tlscacert, --tlscert, --tlskey)");
    for (java.nio.file.Path f : new java.nio.file.Path[] {tls.caCert(), tls.cert(), tls.key()}) {
      if (!java.nio.file.Files.isReadable(f)) {
        throw new IllegalArgumentException("remote control needs TLS files: cannot read " + f + ". On a manager, run "
            + "\"jswarm swarm ca --issue-client NAME -o DIR\" and pass --tlscacert DIR/ca.pem --tlscert DIR/cert.pem "
            + "--tlskey DIR/key.pem (or set JSWARM_CERT_PATH=DIR)");
      }
    }
    try {
      return io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts.forClient().trustManager(tls.caCert().toFile())
          .keyManager(tls.cert().toFile(), tls.key().toFile()).build();
    } catch (javax.net.ssl.SSLException | IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot use the TLS files (" + e.getMessage() + ")");
    }
  }

  public ControlGrpc.ControlBlockingStub control() {
    ControlGrpc.ControlBlockingStub stub = ControlGrpc.newBlockingStub(channel).withInterceptors(STALE_WARNING);
    if (consistent) {
      io.grpc.Metadata h = new io.grpc.Metadata();
      h.put(CONSISTENT, "true");
      stub = stub.withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(h));
    }
    return stub.withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  /** Asks the manager to refuse a read it cannot confirm with the leader, rather than mark it stale. */
  private static final io.grpc.Metadata.Key<String> CONSISTENT =
      io.grpc.Metadata.Key.of("jswarm-consistent", io.grpc.Metadata.ASCII_STRING_MARSHALLER);

  private static final io.grpc.Metadata.Key<String> STALE =
      io.grpc.Metadata.Key.of("jswarm-stale", io.grpc.Metadata.ASCII_STRING_MARSHALLER);
  private static volatile boolean warned;

  /** Says once per command when the manager answered from a copy that may be out of date. */
  private static final io.grpc.ClientInterceptor STALE_WARNING = new io.grpc.ClientInterceptor() {
    @Override
    public <Q, R> io.grpc.ClientCall<Q, R> interceptCall(io.grpc.MethodDescriptor<Q, R> m, io.grpc.CallOptions o, io.grpc.Channel next) {
      return new io.grpc.ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(m, o)) {
        @Override
        public void start(Listener<R> l, io.grpc.Metadata h) {
          super.start(new io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener<>(l) {
            @Override
            public void onHeaders(io.grpc.Metadata headers) {
              String why = headers.get(STALE);
              if (why != null && !warned) {
                warned = true;
                System.err.println("WARNING: this answer may be stale (" + why + "). Use --consistent to refuse such answers.");
              }
              super.onHeaders(headers);
            }
          }, h);
        }
      };
    }
  };

  /** For streams that may run as long as the user wants (logs -f). */
  public ControlGrpc.ControlBlockingStub controlNoDeadline() {
    return ControlGrpc.newBlockingStub(channel);
  }

  public EngineGrpc.EngineStub engineAsync() {
    return EngineGrpc.newStub(channel);
  }

  public io.jswarm.api.NodeLocalGrpc.NodeLocalBlockingStub nodeLocal() {
    return io.jswarm.api.NodeLocalGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  public EngineGrpc.EngineBlockingStub engine() {
    return EngineGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  /** For image pulls and pushes, which take as long as the bytes do. */
  public EngineGrpc.EngineBlockingStub engineNoDeadline() {
    return EngineGrpc.newBlockingStub(channel);
  }

  /** The message a user sees for a failed call. */
  public String describe(StatusRuntimeException e) {
    return new Describer(host).describe(e);
  }

  /** Turns a call's status into words, without needing an open connection. */
  public record Describer(String host) {
    public String describe(StatusRuntimeException e) {
    Status s = e.getStatus();
    for (Throwable c = s.getCause(); c != null; c = c.getCause()) {
      if (c instanceof javax.net.ssl.SSLException) {
        return "TLS with the jswarm daemon at " + host + " failed (" + c.getMessage() + "). A tcp:// host must be a "
            + "manager's --control-addr, and --tlscacert/--tlscert/--tlskey a swarm-admin certificate of its swarm "
            + "(jswarm swarm ca --issue-client)";
      }
    }
    if (s.getCode() == Status.Code.UNAVAILABLE && (s.getCause() != null
        || String.valueOf(s.getDescription()).contains("io exception"))) {
      return "Cannot connect to the jswarm daemon at " + host + ". Is the daemon running?";
    }
    if (s.getCode() == Status.Code.DEADLINE_EXCEEDED) {
      return "Cannot connect to the jswarm daemon at " + host + " (timed out). Is the daemon running?";
    }
    return "Error response from daemon: " + (s.getDescription() != null ? s.getDescription() : s.getCode().toString());
    }
  }

  @Override
  public void close() {
    channel.shutdownNow();
    if (group != null) group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
  }
}
