package io.jswarm.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Sockets that live in another network namespace but are served by this process: a socket belongs
 * to the namespace of the thread that created it, for life. So a fresh platform thread joins the
 * target namespace with setns(2), creates and binds the socket, returns to its original namespace
 * and ends. The thread is used for nothing else, so even a failed return cannot leak the namespace
 * into other work.
 */
public final class NetnsSockets {
  private NetnsSockets() {}

  /** A UDP socket bound inside {@code netns} (e.g. the DNS server on a network's gateway address). */
  public static DatagramChannel openUdp(Path netns, InetSocketAddress bind) {
    return inNetns(netns, () -> {
      DatagramChannel ch = DatagramChannel.open(family(bind));
      try {
        ch.bind(bind);
        return ch;
      } catch (IOException | RuntimeException e) {
        ch.close();
        throw e;
      }
    });
  }

  /** A listening TCP socket bound inside {@code netns}. */
  public static ServerSocketChannel openTcpServer(Path netns, InetSocketAddress bind) {
    return inNetns(netns, () -> {
      ServerSocketChannel ch = ServerSocketChannel.open(family(bind));
      try {
        ch.bind(bind);
        return ch;
      } catch (IOException | RuntimeException e) {
        ch.close();
        throw e;
      }
    });
  }

  /**
   * Runs {@code action} on a new thread inside {@code netns}. Only for creating sockets and similar
   * namespace-bound handles: anything the action starts (threads, lazily opened files) would be
   * born in the wrong place.
   */
  public static <T> T inNetns(Path netns, Callable<T> action) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        runIn(netns, action, result);
      } catch (Throwable e) {
        // e.g. libc failed to load: the caller must get an error, not wait forever
        result.completeExceptionally(e);
      }
    }, "netns-" + netns.getFileName());
    t.setDaemon(true);
    t.start();
    try {
      return result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NetException("interrupted entering " + netns, e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof NetException ne) {
        throw ne;
      }
      throw new NetException("in " + netns + ": " + c, c);
    }
  }

  private static <T> void runIn(Path netns, Callable<T> action, CompletableFuture<T> result) {
    LibC.Calls libc = LibC.get();
    // The way back is opened first: /proc/thread-self names this thread, not the process leader.
    int home = libc.open("/proc/thread-self/ns/net", LibC.O_RDONLY | LibC.O_CLOEXEC);
    if (home < 0) {
      result.completeExceptionally(new NetException("open own netns: errno " + LibC.errno()));
      return;
    }
    int target = libc.open(netns.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC);
    try {
      if (target < 0) {
        result.completeExceptionally(new NetException("open " + netns + ": errno " + LibC.errno()));
        return;
      }
      if (libc.setns(target, LibC.CLONE_NEWNET) != 0) {
        result.completeExceptionally(new NetException("setns " + netns + ": errno " + LibC.errno()));
        return;
      }
      try {
        result.complete(action.call());
      } catch (Throwable e) {
        result.completeExceptionally(e);
      } finally {
        // If this fails the thread is still discarded right after; the socket is unaffected.
        libc.setns(home, LibC.CLONE_NEWNET);
      }
    } finally {
      if (target >= 0) {
        libc.close(target);
      }
      libc.close(home);
    }
  }

  private static StandardProtocolFamily family(InetSocketAddress a) {
    return a.getAddress() instanceof java.net.Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
  }
}
