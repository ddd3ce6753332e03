package io.jswarm.net;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The embedded DNS server: one per worker, listening on any number of sockets that were opened in
 * other namespaces (each network's gateway address inside its sandbox, see {@link NetnsSockets}).
 * Service and task names are answered from cluster state through the {@link Resolver}; everything
 * else is forwarded to the host's resolvers. One event-loop thread serves all sockets: answering is
 * a map lookup, and forwarding waits on the network, not on the thread.
 *
 * <p>UDP only: our answers are small, and a truncated upstream answer is relayed as received.
 */
public final class DnsServer implements AutoCloseable {
  /** Names the cluster owns. */
  public interface Resolver {
    /**
     * @param name lower-cased, without the trailing dot
     * @return empty when the name is not ours (it is forwarded upstream); otherwise the addresses
     *     to answer with, where an empty list means NXDOMAIN
     */
    Optional<List<Inet4Address>> lookup(String name);
  }

  static final Duration UPSTREAM_TIMEOUT = Duration.ofSeconds(2);

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final UpstreamForwarder forwarder;
  private final DnsQueryHandler handler;
  private final Map<String, Channel> listeners = new ConcurrentHashMap<>();

  /** Forwards to the nameservers of this host's /etc/resolv.conf. */
  public DnsServer(Resolver resolver) {
    this(resolver, upstreamsFrom(Path.of("/etc/resolv.conf")));
  }

  public DnsServer(Resolver resolver, List<InetSocketAddress> upstreams) {
    this(resolver, upstreams, UPSTREAM_TIMEOUT);
  }

  DnsServer(Resolver resolver, List<InetSocketAddress> upstreams, Duration perUpstreamTimeout) {
    this.forwarder = new UpstreamForwarder(group, upstreams, perUpstreamTimeout);
    this.handler = new DnsQueryHandler(resolver, forwarder);
  }

  /**
   * Serves queries arriving on an already bound socket, under a key for {@link #unlisten}; a
   * second listen under the same key replaces (and closes) the first.
   */
  public void listen(String key, DatagramChannel ch) {
    NioDatagramChannel channel = new NioDatagramChannel(ch);
    channel.config().setRecvByteBufAllocator(new FixedRecvByteBufAllocator(4096));
    channel.pipeline().addLast(new DnsResponseEncoder(), handler);
    group.register(channel).syncUninterruptibly();
    Channel old = listeners.put(key, channel);
    if (old != null) {
      old.close().syncUninterruptibly();
    }
  }

  public void unlisten(String key) {
    Channel ch = listeners.remove(key);
    if (ch != null) {
      ch.close().syncUninterruptibly();
    }
  }

  /** The local address a listener is bound to, for diagnostics and tests. */
  public Optional<InetSocketAddress> address(String key) {
    return Optional.ofNullable(listeners.get(key)).map(c -> (InetSocketAddress) c.localAddress());
  }

  @Override
  public void close() {
    listeners.keySet().forEach(this::unlisten);
    forwarder.close();
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** The resolv.conf to give a container on a network whose DNS server is {@code nameserverIp}. */
  public static String resolvConf(String nameserverIp) {
    return ResolvConf.forContainer(nameserverIp);
  }

  /** The nameservers of a resolv.conf file, port 53; empty when the file cannot be read. */
  public static List<InetSocketAddress> upstreamsFrom(Path resolvConf) {
    return ResolvConf.upstreams(resolvConf);
  }
}
