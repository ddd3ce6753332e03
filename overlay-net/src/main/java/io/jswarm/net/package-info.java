/**
 * The kernel data path of overlay networks: one sandbox namespace per network on each worker,
 * holding a bridge ({@code br0}) and a VXLAN device whose UDP socket stays in the underlay
 * namespace; container veths on the bridge; static FDB/neighbour entries programmed from cluster
 * state (no multicast, no learning); per-container VIP load balancing with nftables; and the
 * embedded DNS server listening on each network's gateway address inside its sandbox.
 *
 * <p>Everything here is driven by the worker, which owns the cluster view; this package only turns
 * a desired state into kernel state, idempotently, so a restarted worker can re-apply it blindly.
 * The kernel is reached through {@code ip}/{@code bridge}/{@code nft} processes (batched, so the
 * cost is per change set rather than per entry) and, for sockets inside a namespace, setns(2).
 */
package io.jswarm.net;
