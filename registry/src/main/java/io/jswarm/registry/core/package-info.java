/**
 * Value types parsed once at the edge — {@link io.jswarm.registry.core.RepoName},
 * {@link io.jswarm.registry.core.Digest}, {@link io.jswarm.registry.core.Tag} — and the spec's error
 * codes. Parsing failures are always {@link io.jswarm.registry.core.RegistryException}s carrying a
 * spec code, never a 500.
 */
package io.jswarm.registry.core;
