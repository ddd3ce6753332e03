#!/usr/bin/env bash
# Installs jswarm on this host from a release tarball or .deb (offline: give the file's path),
# the way k3s's and Docker's install scripts do: checks the kernel, installs /usr/lib/jswarm,
# /usr/bin/jswarm, the systemd unit, /etc/jswarm/daemon.json (kept if present), the jswarm group,
# /var/lib/jswarm; enables and starts jswarm.service. Running it again upgrades in place.
#
#   install.sh [--no-start] [--skip-checks] [--root DIR] PATH/jswarm-V-linux-amd64.tar.gz | PATH/jswarm_V_amd64.deb
#   install.sh --check                 only print which prerequisites are missing
#   install.sh --uninstall [--purge]   stop and remove everything; --purge also the data and config
#
# --root DIR installs the files under DIR (no group, no systemctl): a scratch root for tests.
set -euo pipefail
root="" start=1 checks=1 mode=install purge=0 pkg=""
die() { echo "install.sh: $*" >&2; exit 1; }
say() { echo "==> $*"; }
while (($#)); do
  case "$1" in
    --root) root=${2:?--root needs a directory}; shift ;;
    --no-start) start=0 ;;
    --skip-checks) checks=0 ;;
    --check) mode=check ;;
    --uninstall) mode=uninstall ;;
    --purge) purge=1 ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) [[ -z "$pkg" ]] || die "one package at a time, got $pkg and $1"; pkg=$1 ;;
  esac
  shift
done
((purge == 0)) || [[ "$mode" == uninstall ]] || die "--purge goes with --uninstall"
[[ -z "$root" ]] || root=$(realpath -m "$root")
LIB="$root/usr/lib/jswarm" BIN="$root/usr/bin/jswarm" UNIT="$root/lib/systemd/system/jswarm.service"
ETC="$root/etc/jswarm" DATA="$root/var/lib/jswarm" RUN="$root/run/jswarm"
systemd=0
[[ -z "$root" && -d /run/systemd/system ]] && systemd=1

# Prints one line per missing prerequisite; returns 1 when something is missing.
missing_prereqs() {
  local miss=0 t
  for t in runc conmon ip nft; do
    command -v "$t" >/dev/null || { echo "  command $t (apt-get install runc conmon iproute2 nftables)"; miss=1; }
  done
  # The kernel is shared with containers: a module shows under /sys/module when loaded or built in;
  # else it must be loadable (modprobe -n), which needs /lib/modules.
  has_module() { [[ -d /sys/module/$1 ]] || grep -qw "$1" /proc/filesystems 2>/dev/null || modprobe -n -q "$1" 2>/dev/null; }
  has_module overlay || { echo "  kernel: overlayfs (modprobe overlay) for container root filesystems"; miss=1; }
  # /sys/module may be hidden (containers, nspawn); making a vxlan device is the real test
  vxlan_works() { ip link add "jsprobe$$" type vxlan id 42 dstport 4789 2>/dev/null && ip link del "jsprobe$$"; }
  { has_module vxlan || vxlan_works; } || { echo "  kernel: vxlan (modprobe vxlan) for overlay networks"; miss=1; }
  # nf_tables may be built in (no /sys/module entry): asking nft is the real test
  { has_module nf_tables || nft list tables >/dev/null 2>&1; } || { echo "  kernel: nf_tables (modprobe nf_tables) for published ports and service VIPs"; miss=1; }
  if ! grep -q cgroup /proc/self/mounts; then echo "  cgroups: none mounted at /sys/fs/cgroup"; miss=1; fi
  if [[ -d /sys/fs/cgroup/memory ]] || grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then :; else
    echo "  cgroups: the memory controller (container limits)"; miss=1
  fi
  return $miss
}

check() {
  local out
  if out=$(missing_prereqs); then say "prerequisites: all present"; return 0; fi
  echo "install.sh: missing prerequisites:" >&2
  echo "$out" >&2
  return 1
}

uninstall() {
  [[ -z "$root" ]] && ((EUID != 0)) && die "--uninstall needs root"
  if [[ -z "$root" ]] && dpkg-query -W -f='${Status}' jswarm 2>/dev/null | grep -q "ok installed"; then
    say "removing the jswarm package"
    if ((purge)); then dpkg --purge jswarm; else dpkg --remove jswarm; fi
    return
  fi
  if ((systemd)); then
    systemctl disable --now jswarm.service 2>/dev/null || true
  fi
  # containers, their monitors, namespaces, mounts, cgroups, nft tables and bridges
  [[ -z "$root" && -x "$LIB/libexec/jswarm-cleanup" ]] && "$LIB/libexec/jswarm-cleanup"
  rm -f "$UNIT" "$BIN"
  rm -rf "$LIB" "$RUN"
  ((systemd)) && { systemctl daemon-reload; systemctl reset-failed jswarm.service 2>/dev/null || true; }
  if ((purge)); then
    rm -rf "$ETC" "$DATA" "$root/var/cache/jswarm"
    [[ -z "$root" ]] && getent group jswarm >/dev/null && groupdel jswarm
    say "jswarm removed, with its data and configuration"
  else
    rm -rf "$root/var/cache/jswarm"
    [[ -z "$root" ]] && getent group jswarm >/dev/null && groupdel jswarm
    say "jswarm removed; kept $DATA and $ETC (install.sh --uninstall --purge removes them)"
  fi
}

install_deb() {
  [[ -z "$root" ]] || die "--root works with the tarball, not the .deb"
  say "installing $pkg with dpkg (depends on runc, conmon, iproute2, nftables)"
  # --force-confold: an /etc/jswarm/daemon.json written before the install is kept, never asked about
  JSWARM_NO_START=$((1 - start)) dpkg -i --force-confold "$pkg" || die "dpkg -i $pkg failed (missing dependencies? apt-get install runc conmon iproute2 nftables)"
}

install_tarball() {
  local top
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/jswarm-install.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  tar -xzf "$pkg" -C "$tmp" || die "cannot unpack $pkg"
  top=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d | head -1)
  [[ -n "$top" && -x "$top/bin/jswarm" && -f "$top/jswarm-cli.jar" ]] || die "$pkg is not a jswarm release (no bin/jswarm)"
  say "installing $(cat "$top/VERSION" 2>/dev/null || echo jswarm) into ${LIB}"
  mkdir -p "$(dirname "$LIB")" "$(dirname "$BIN")" "$(dirname "$UNIT")" "$ETC"
  # Swap the whole directory: a running daemon keeps its open jars; the next start gets the new ones.
  rm -rf "$LIB.new" "$LIB.old"
  cp -a "$top" "$LIB.new"
  [[ -d "$LIB" ]] && mv "$LIB" "$LIB.old"
  mv "$LIB.new" "$LIB"
  rm -rf "$LIB.old"
  ln -sfn ../lib/jswarm/bin/jswarm "$BIN"
  install -m 0644 "$LIB/systemd/jswarm.service" "$UNIT"
  [[ -f "$ETC/daemon.json" ]] || install -m 0644 "$LIB/daemon.json" "$ETC/daemon.json"
  install -d -m 0711 "$DATA"
  if [[ -z "$root" ]]; then
    getent group jswarm >/dev/null || groupadd --system jswarm
  fi
  if ((systemd)); then
    systemctl daemon-reload
    systemctl enable jswarm.service >/dev/null 2>&1
    if ((start)); then
      say "starting jswarm.service"
      systemctl restart jswarm.service || die "jswarm.service did not start: journalctl -u jswarm"
    fi
  fi
}

case "$mode" in
  check) check; exit $? ;;
  uninstall) uninstall; exit 0 ;;
esac
[[ -n "$pkg" ]] || die "give the release tarball or .deb to install (see --help)"
[[ -f "$pkg" ]] || die "$pkg: no such file"
[[ -z "$root" ]] && ((EUID != 0)) && die "installing needs root (or --root DIR)"
if ((checks)) && [[ -z "$root" ]]; then
  check || die "install the missing prerequisites, or pass --skip-checks"
fi
case "$pkg" in
  *.deb) install_deb ;;
  *.tar.gz|*.tgz) install_tarball ;;
  *) die "$pkg: expected a .tar.gz or .deb" ;;
esac
say "installed: $("$BIN" version 2>/dev/null || echo "jswarm in $LIB")"
if [[ -z "$root" ]] && ((systemd)) && ((start)); then
  say "jswarm.service is $(systemctl is-active jswarm.service); users in group jswarm may run jswarm commands"
fi
