/**
 * OCI Distribution v1.1 registry: {@link io.jswarm.registry.RegistryServer} (start, port, close, gc, main)
 * and {@link io.jswarm.registry.RegistryConfig}. Blobs and manifests are verified against their digests
 * before they become visible; a crash mid-upload loses only that upload. Metadata sits behind
 * {@link io.jswarm.registry.store.RegistryMetadata} (on disk by default, raft-store in a cluster).
 *
 * <p>Packages: {@code core} (names, digests, tags, error codes), {@code store} (blob store, upload
 * sessions, metadata, gc), {@code manifest} (parsing and shape checks), {@code http} (routing and
 * handlers on Vert.x; the only place errors become HTTP).
 */
package io.jswarm.registry;
