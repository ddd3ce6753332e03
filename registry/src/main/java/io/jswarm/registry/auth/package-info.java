/**
 * Who may do what on the registry: {@link io.jswarm.registry.auth.Principal}s from a swarm client
 * certificate ({@link io.jswarm.registry.auth.SwarmIdentity}), an htpasswd login, the cluster's
 * node secret or a Bearer token ({@link io.jswarm.registry.auth.TokenService}), and the
 * {@link io.jswarm.registry.auth.Scope}s Docker's token flow speaks in.
 */
package io.jswarm.registry.auth;
