package io.jswarm.net.ipam;

import java.util.Collection;
import java.util.Optional;
import java.util.Set;

/**
 * Address management as pure functions of what is already taken, so that a new leader rebuilds
 * it from the store with nothing to recover. Uniqueness is finally guarded by the store's
 * apply-time claims; these functions only choose well.
 */
public final class Ipam {
  /** Docker's default address pool for overlay networks: /24s out of 10.0.0.0/8. */
  public static final Cidr DEFAULT_POOL = Cidr.parse("10.0.0.0/8");
  public static final int DEFAULT_SUBNET_PREFIX = 24;
  /** The first VNI handed out (Docker's overlay driver starts at 4096 too). */
  public static final int FIRST_VNI = 4097;
  public static final int MAX_VNI = (1 << 24) - 1;

  private Ipam() {}

  /** The first /{@code prefix} of {@code pool} that overlaps none of {@code taken}. */
  public static Optional<Cidr> nextSubnet(Cidr pool, int prefix, Collection<Cidr> taken) {
    long step = 1L << (32 - prefix);
    for (long b = pool.base(); b + step - 1 <= pool.last(); b += step) {
      Cidr c = new Cidr(b, prefix);
      if (taken.stream().noneMatch(c::overlaps)) return Optional.of(c);
    }
    return Optional.empty();
  }

  public static int nextVni(Collection<Integer> taken) {
    int v = FIRST_VNI;
    while (taken.contains(v)) v++;
    if (v > MAX_VNI) throw new IllegalStateException("no VNI left");
    return v;
  }

  /**
   * A free host address of {@code subnet}: the first one after {@code after} that is not in
   * {@code taken} (wrapping around), so that a freed address is not handed out again at once
   * while stale neighbour entries for it may still be about.
   */
  public static Optional<Long> nextAddress(Cidr subnet, Set<Long> taken, long after) {
    long first = subnet.firstHost();
    long last = subnet.lastHost();
    long n = last - first + 1;
    long start = after >= first && after < last ? after + 1 : first;
    for (long i = 0; i < n; i++) {
      long ip = first + ((start - first + i) % n);
      if (!taken.contains(ip)) return Optional.of(ip);
    }
    return Optional.empty();
  }

  /** "10.0.1.5/24" or "10.0.1.5" → the address. */
  public static long addressOf(String cidrOrIp) {
    int slash = cidrOrIp.indexOf('/');
    return Cidr.parseIp(slash < 0 ? cidrOrIp : cidrOrIp.substring(0, slash));
  }
}
