/**
 * Scripts, not Java: quickstart.sh, and later the lab of namespace hosts and the VM install. This package exists so the module builds.
 */
package io.jswarm.deploy;
