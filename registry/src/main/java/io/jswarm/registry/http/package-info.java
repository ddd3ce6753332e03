/**
 * The Distribution API on Vert.x core: {@link io.jswarm.registry.http.RegistryRouter} matches routes by
 * suffix (names contain slashes), one handler class per resource. Requests reach handlers paused; work
 * that blocks runs via {@code executeBlocking}; {@code Exchange} turns replies and exceptions into HTTP
 * once. Blobs and manifests are sent with {@code sendFile} (zero-copy without TLS).
 */
package io.jswarm.registry.http;
