/**
 * OCI Distribution v1.1 server and client (built with the registry issue): blobs and manifests verified against their digests before they become visible; metadata in raft-store when run inside a cluster.
 */
package io.jswarm.registry;
