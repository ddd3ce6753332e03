#!/usr/bin/env bash
# One command from a fresh Debian 12 machine (as root) to a running 3-replica service:
# installs what is missing, builds, starts a daemon, initializes a swarm, makes a busybox image
# from the static binary, creates a service and shows its tasks and logs.
# The daemon keeps running afterwards; stop it with: kill $(cat /tmp/jswarm-quickstart/daemon.pid)
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

need=()
for pkg in runc conmon busybox-static iproute2 nftables iptables tar; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
if ((${#need[@]})); then
  echo "==> installing ${need[*]}"
  apt-get update -q && apt-get install -y -q "${need[@]}"
fi

echo "==> building"
./mvnw -q -B -DskipTests package

work=${JSWARM_QUICKSTART_DIR:-/tmp/jswarm-quickstart}
sock="unix://$work/jswarm.sock"
mkdir -p "$work"
js() { bin/jswarm -H "$sock" "$@"; }

if [[ -f "$work/daemon.pid" ]] && kill -0 "$(cat "$work/daemon.pid")" 2>/dev/null; then
  echo "==> daemon already running (pid $(cat "$work/daemon.pid"))"
else
  echo "==> starting daemon (log: $work/daemon.log)"
  nohup bin/jswarm daemon --data-root "$work/data" --host "$sock" --listen-addr 127.0.0.1:2377 \
    --node-name quickstart >"$work/daemon.log" 2>&1 &
  echo $! >"$work/daemon.pid"
  for _ in $(seq 1 300); do js info >/dev/null 2>&1 && break; sleep 0.2; done
  js info >/dev/null || { echo "daemon did not start; see $work/daemon.log" >&2; exit 1; }
fi

if ! js info | grep -q "Swarm: active"; then
  js swarm init
fi

if ! js image ls | grep -q '^busybox'; then
  echo "==> making a busybox image from /bin/busybox"
  root="$work/rootfs"
  rm -rf "$root" && mkdir -p "$root/bin" "$root/etc" "$root/tmp"
  cp /bin/busybox "$root/bin/busybox"
  for a in sh sleep echo cat ls hostname date env wget httpd true false; do ln -sf busybox "$root/bin/$a"; done
  echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
  tar -C "$root" -cf "$work/busybox.tar" .
  js image import "$work/busybox.tar" busybox:latest
fi

js service rm hello >/dev/null 2>&1 || true
echo "==> jswarm service create --name hello --replicas 3 busybox ..."
js service create --name hello --replicas 3 --stop-grace-period 1s busybox \
  sh -c 'while true; do echo "hello from $(hostname) at $(date +%T)"; sleep 5; done'
echo "==> jswarm service ps hello"
js service ps hello
echo "==> jswarm service logs hello"
js service logs hello
echo
echo "Try: bin/jswarm -H $sock service scale hello=5"
