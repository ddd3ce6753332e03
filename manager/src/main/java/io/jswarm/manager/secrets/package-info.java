/**
 * Secrets and configs on the managers' side: their values sealed for the Raft store
 * ({@link io.jswarm.manager.secrets.SecretSealing}), the checks made before anything is written
 * ({@link io.jswarm.manager.secrets.SecretChecks}), and how services name them
 * ({@link io.jswarm.manager.secrets.SecretRefs}). Delivery to workers is the dispatcher's
 * (dispatcher.SecretValues). See docs/security.md, "Secrets and configs".
 */
package io.jswarm.manager.secrets;
