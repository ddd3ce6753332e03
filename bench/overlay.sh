#!/usr/bin/env bash
# Benchmark (not a test): TCP throughput and ping RTT container→container across two lab hosts
# over a jswarm overlay, against namespace→namespace over a plain kernel VXLAN device between the
# same two hosts (the ceiling: no bridge, no veth, no container). Prints Gbit/s and RTT per run,
# medians, and overlay/raw ratios.
#   bench/overlay.sh [RUNS] [SECONDS]      (defaults 3 and 5; needs root; installs iperf3 if missing)
# The iperf3 image is Debian's iperf3 binary plus the libraries ldd names, on a static busybox;
# the server is a jswarm service on h2, each overlay run a one-shot client service on h3.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
secs="${2:-5}"
[[ "$runs" =~ ^[1-9][0-9]*$ && "$secs" =~ ^[1-9][0-9]*$ ]] || { echo "usage: bench/overlay.sh [RUNS] [SECONDS]" >&2; exit 2; }

command -v iperf3 >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q iperf3; }
command -v busybox >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q busybox-static; }
[[ -x cli/target/jswarm-cli.jar || -n "$(ls cli/target/*.jar 2>/dev/null)" ]] || ./mvnw -q -B -DskipTests package

export JSWARM_LAB_DIR=/tmp/jswarm-bench-overlay JSWARM_LAB_SUBNET=177 JSWARM_LAB_BRIDGE=jsbo0 \
  JSWARM_LAB_NAME=jbo JSWARM_LAB_NODE_PREFIX=bo
lab=deploy/lab/lab
work="$(mktemp -d)"
raw_pid=""
cleanup() {  # the raw iperf3 server is ours: end it by its pid
  [[ -n "$raw_pid" ]] && kill "$raw_pid" 2>/dev/null || true
  $lab down >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
$lab down >/dev/null 2>&1 || true
$lab up --managers 1 --workers 2 >"$work/lab.out" 2>&1 || { cat "$work/lab.out"; exit 1; }
js() { $lab exec "$1" jswarm "${@:2}"; }
ipof() { $lab status | awk -v h="$1" '$1 == h { print $2 }'; }
h2="$(ipof h2)"; h3="$(ipof h3)"

# --- the image: iperf3 and its libraries on busybox
root="$work/rootfs"
mkdir -p "$root/bin" "$root/usr/bin" "$root/tmp" "$root/etc"
cp "$(command -v busybox)" "$root/bin/busybox"
for a in sh ping sleep cat; do ln -s busybox "$root/bin/$a"; done
cp "$(command -v iperf3)" "$root/usr/bin/iperf3"
for lib in $(ldd "$(command -v iperf3)" | grep -o '/[^ ]*'); do
  mkdir -p "$root$(dirname "$lib")" && cp -L "$lib" "$root$lib"
done
tar -C "$root" -cf "$work/iperf3.tar" .
for h in h1 h2 h3; do js "$h" image import "$work/iperf3.tar" iperf3:bench >/dev/null; done

# --- the overlay side
js h1 network create -d overlay bench >/dev/null
js h1 service create -d --name srv --network bench --endpoint-mode dnsrr --constraint node.hostname==boh2 \
  --mount type=tmpfs,target=/tmp --stop-grace-period 0s iperf3:bench iperf3 -s >/dev/null
deadline=$((SECONDS + 90))
until js h1 service ps srv 2>/dev/null | grep -q Running; do
  ((SECONDS < deadline)) || { echo "srv did not start" >&2; js h1 service ps srv >&2; exit 1; }
  sleep 0.5
done

# One client run: a one-shot service on h3 that pings and runs iperf3 against srv by name.
overlay_run() {
  local n="$1" out
  js h1 service create -d --name "cli$n" --network bench --constraint node.hostname==boh3 \
    --mount type=tmpfs,target=/tmp --stop-grace-period 0s iperf3:bench sh -c \
    "sleep 1; ping -c 20 -i 0.2 srv | tail -1; iperf3 -c srv -t $secs -f g | grep receiver; echo BENCH-DONE; exec sleep 3600" >/dev/null
  local deadline=$((SECONDS + secs + 90))
  until out="$(js h1 service logs "cli$n" 2>/dev/null)" && grep -q BENCH-DONE <<<"$out"; do
    ((SECONDS < deadline)) || { echo "client run $n did not finish:" >&2; echo "$out" >&2; js h1 service ps "cli$n" >&2; exit 1; }
    sleep 1
  done
  js h1 service rm "cli$n" >/dev/null
  report overlay "$out"
}

# --- the raw side: a VXLAN device straight in the two host namespaces, same MTU as the overlay
$lab exec h2 ip link add vxraw type vxlan id 9999 local "$h2" remote "$h3" dstport 4790 dev eth0
$lab exec h3 ip link add vxraw type vxlan id 9999 local "$h3" remote "$h2" dstport 4790 dev eth0
for h in h2:1 h3:2; do
  $lab exec "${h%:*}" ip addr add "192.168.250.${h#*:}/24" dev vxraw
  $lab exec "${h%:*}" ip link set vxraw mtu 1450 up
done
$lab exec h2 iperf3 -s -D -p 5299 -I "$work/raw-iperf3.pid"
raw_pid="$(cat "$work/raw-iperf3.pid")"
raw_run() {
  local out
  out="$($lab exec h3 sh -c "busybox ping -c 20 -i 0.2 192.168.250.1 | tail -1; for i in 1 2 3 4 5 6 7 8 9 10; do iperf3 -c 192.168.250.1 -p 5299 -t $secs -f g 2>/dev/null && break; sleep 0.5; done | grep receiver")"
  report raw "$out"
}

# Appends "KIND GBITS RTT_MS" to $work/results from a run's ping summary and iperf3 receiver line.
report() {
  local gbit rtt
  gbit="$(grep receiver <<<"$2" | tail -1 | awk '{for (i = 1; i <= NF; i++) if ($i == "Gbits/sec") print $(i-1)}')"
  rtt="$(grep -o 'min/avg/max = [0-9./]*' <<<"$2" | tail -1 | cut -d= -f2 | cut -d/ -f2)"
  [[ -n "$gbit" && -n "$rtt" ]] || { echo "cannot read the $1 run's figures from:" >&2; echo "$2" >&2; exit 1; }
  printf '%-8s %8s Gbit/s   RTT %s ms\n' "$1" "$gbit" "$rtt"
  echo "$1 $gbit $rtt" >>"$work/results"
}

echo "iperf3 ${secs}s single TCP stream and 20 pings, h3 → h2, $runs run(s) each, interleaved"
for ((i = 1; i <= runs; i++)); do
  raw_run
  overlay_run "$i"
done
python3 - "$work/results" <<'EOF'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
med = lambda kind, col: statistics.median(float(r[col]) for r in rows if r[0] == kind)
og, rg, ort, rrt = med("overlay", 1), med("raw", 1), med("overlay", 2), med("raw", 2)
print(f"median   overlay {og:.2f} Gbit/s, RTT {ort:.3f} ms   raw VXLAN {rg:.2f} Gbit/s, RTT {rrt:.3f} ms")
print(f"ratio    throughput overlay/raw = {og / rg:.2f}   RTT overlay/raw = {ort / rrt:.2f}")
EOF
