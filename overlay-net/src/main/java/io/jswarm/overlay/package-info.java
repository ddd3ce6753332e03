/**
 * Overlay networks (built with the overlay issue): per-network sandbox namespaces with a bridge and a kernel VXLAN device, container veths, static FDB/neighbour entries from cluster state, embedded DNS.
 */
package io.jswarm.overlay;
