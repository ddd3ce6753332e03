/**
 * Scripts, not Java: quickstart.sh, the lab of network-namespace hosts (lab/), and VM-like hosts
 * (vm/: systemd-nspawn machines with systemd and sshd; vm/smoke installs a release on three of
 * them). The release itself (tarball, .deb, systemd unit, install.sh) is built by the dist
 * module. This package exists so the module builds.
 */
package io.jswarm.deploy;
