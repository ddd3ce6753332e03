/**
 * Overlay networks on the manager side: subnet and VNI allocation, service endpoints (VIPs,
 * published ports), task addresses handed out as tasks are placed (over the {@code AddressIndex}
 * kept from watch events), host ports, and the per-node network state sent to workers.
 */
package io.jswarm.manager.network;
