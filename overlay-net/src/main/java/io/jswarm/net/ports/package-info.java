/**
 * Node-local plumbing for tasks and published ports: the local bridge network ({@link
 * io.jswarm.net.ports.LocalBridge}), host-mode and ingress published ports as one nft table ({@link
 * io.jswarm.net.ports.PortRules}), and the host's leg into the ingress overlay ({@link
 * io.jswarm.net.ports.IngressSandbox}).
 *
 * <p>Every command runs in the caller's network namespace, so a worker running inside a lab host
 * namespace programs that host; the optional {@code hostNs} constructor argument exists for tests.
 *
 * <p>Findings this design rests on (kernel 6.x, nftables 1.0.6, verified by the ITs):
 * <ul>
 *   <li>DNAT of 127.0.0.1 in the nat output hook works only with {@code route_localnet=1} on the
 *       outgoing interface plus masquerade of 127.0.0.0/8 leaving through it;</li>
 *   <li>an nft accept cannot override an iptables FORWARD policy DROP, so {@code ForwardAccept}
 *       inserts iptables rules when it finds that policy;</li>
 *   <li>{@code bridge-nf-call-iptables} is per network namespace (a new namespace starts at 1). With it,
 *       frames bridged between tasks pass the IP FORWARD hook with the bridge as in/out interface, and a
 *       DNAT whose backend is on the same bridge is re-injected at L2, which needs hairpin on the port.
 *       We leave the sysctl alone and make both paths work either way.</li>
 * </ul>
 */
package io.jswarm.net.ports;
