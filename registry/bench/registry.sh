#!/usr/bin/env bash
# Push/pull throughput and server CPU of the jswarm registry against the CNCF distribution registry
# (Debian's docker-registry), both on loopback, measured in the same run with skopeo.
#
#   registry/bench/registry.sh [RUNS]        (default 3; needs skopeo, docker-registry, python3, a built
#                                            registry module: ./mvnw -q -B -pl registry -am package -DskipTests)
#
# Workloads: one 512 MiB layer; 200 layers of 1 MiB. Layers are uncompressed tars, so neither skopeo
# nor the registries spend CPU on compression. Each run tars the content under new member names, so
# its digests are new and no blob is skipped or mounted from an earlier run. Prints, per registry,
# MB/s (MB = 10^6 bytes) and server CPU-seconds per GB moved, min/median/max over the runs, and the
# ratio jswarm/distribution of the medians.
set -euo pipefail
RUNS=${1:-3}
HERE=$(cd "$(dirname "$0")/.." && pwd)           # registry module
REPO=$(cd "$HERE/.." && pwd)
WORK=$(mktemp -d /var/tmp/jswarm-regbench.XXXXXX)   # registry roots: on disk
SHM=$(mktemp -d /dev/shm/jswarm-regbench.XXXXXX)    # image layouts and pulled copies: in memory
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK" "$SHM"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
now() { date +%s.%N; }
wait_up() { for _ in $(seq 1 300); do curl -fs "http://$1/v2/" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "registry $1 did not start" >&2; exit 1; }

# --- servers --------------------------------------------------------------------------------------
CP_FILE=$WORK/cp.txt
(cd "$REPO" && ./mvnw -o -q -B -pl registry dependency:build-classpath -Dmdep.outputFile="$CP_FILE" >/dev/null)
[ -d "$HERE/target/classes/io" ] || { echo "build the registry module first" >&2; exit 1; }
J_PORT=$(free_port); D_PORT=$(free_port)
java -cp "$HERE/target/classes:$(cat "$CP_FILE")" io.jswarm.registry.RegistryServer \
  --root "$WORK/jswarm" --addr "127.0.0.1:$J_PORT" >"$WORK/jswarm.log" 2>&1 &
J_PID=$!; PIDS+=("$J_PID")
cat >"$WORK/distribution.yml" <<YML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage:
  filesystem: {rootdirectory: $WORK/distribution}
  delete: {enabled: true}
http: {addr: 127.0.0.1:$D_PORT}
YML
docker-registry serve "$WORK/distribution.yml" >"$WORK/distribution.log" 2>&1 &
D_PID=$!; PIDS+=("$D_PID")
wait_up "127.0.0.1:$J_PORT"; wait_up "127.0.0.1:$D_PORT"

# --- image layouts --------------------------------------------------------------------------------
mkdir -p "$SHM/content/small"
head -c $((512 << 20)) /dev/urandom >"$SHM/content/big"
for i in $(seq 1 200); do head -c $((1 << 20)) /dev/urandom >"$SHM/content/small/f$i"; done

blob() { # FILE LAYOUT -> prints "digest size", moves FILE into LAYOUT's blobs
  local d s; d=$(sha256sum "$1" | cut -d' ' -f1); s=$(stat -c %s "$1")
  mv "$1" "$2/blobs/sha256/$d"; echo "sha256:$d $s"
}
make_layout() { # LAYOUT PREFIX FILE... : one uncompressed layer per file, member name PREFIX-basename
  local out=$1 prefix=$2; shift 2
  mkdir -p "$out/blobs/sha256" "$SHM/tmp"; echo '{"imageLayoutVersion":"1.0.0"}' >"$out/oci-layout"
  local layers="" diffs="" f d s
  for f in "$@"; do
    ln -f "$f" "$SHM/tmp/$prefix-$(basename "$f")"
    tar -C "$SHM/tmp" -cf "$SHM/tmp/layer.tar" "$prefix-$(basename "$f")"; rm "$SHM/tmp/$prefix-$(basename "$f")"
    read -r d s < <(blob "$SHM/tmp/layer.tar" "$out")
    layers+="${layers:+,}{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"$d\",\"size\":$s}"
    diffs+="${diffs:+,}\"$d\""
  done
  printf '{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":[%s]}}' "$diffs" >"$SHM/tmp/c"
  read -r d s < <(blob "$SHM/tmp/c" "$out")
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[%s]}' \
    "$d" "$s" "$layers" >"$SHM/tmp/m"
  read -r d s < <(blob "$SHM/tmp/m" "$out")
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"t"}}]}' \
    "$d" "$s" >"$out/index.json"
}
layout_bytes() { du -sb --apparent-size "$1/blobs" | cut -f1; }

# --- measurement ----------------------------------------------------------------------------------
RESULTS=$WORK/results.csv   # registry,workload,op,run,bytes,seconds,cpu_ticks
measure() { # NAME PID OP RUN WORKLOAD BYTES CMD...
  local name=$1 pid=$2 op=$3 run=$4 wl=$5 bytes=$6; shift 6
  local c0 t0 t1 c1; c0=$(cpu_ticks "$pid"); t0=$(now)
  "$@" >/dev/null 2>>"$WORK/skopeo.err"
  t1=$(now); c1=$(cpu_ticks "$pid")
  echo "$name,$wl,$op,$run,$bytes,$(echo "$t1 - $t0" | bc -l),$((c1 - c0))" >>"$RESULTS"
  printf '%-12s %-6s %-4s run %s: %6.1f MB/s\n' "$name" "$wl" "$op" "$run" "$(echo "$bytes / ($t1 - $t0) / 1000000" | bc -l)"
}
push_pull() { # NAME PID HOSTPORT RUN WORKLOAD LAYOUT
  local name=$1 pid=$2 hp=$3 run=$4 wl=$5 layout=$6 bytes; bytes=$(layout_bytes "$layout")
  measure "$name" "$pid" push "$run" "$wl" "$bytes" skopeo copy -q --dest-tls-verify=false \
    "oci:$layout:t" "docker://$hp/bench/$wl-$run:t"
  measure "$name" "$pid" pull "$run" "$wl" "$bytes" skopeo copy -q --src-tls-verify=false \
    "docker://$hp/bench/$wl-$run:t" "dir:$SHM/pull"
  rm -rf "$SHM/pull"
}

# warm-up (JIT, page cache) on both, not counted: one 64 MiB layer and 20 small ones
head -c $((64 << 20)) "$SHM/content/big" >"$SHM/content/warm"
make_layout "$SHM/warm" warm "$SHM/content/warm" "$SHM"/content/small/f1?
for hp in "127.0.0.1:$J_PORT" "127.0.0.1:$D_PORT"; do
  skopeo copy -q --dest-tls-verify=false "oci:$SHM/warm:t" "docker://$hp/bench/warm:t" >/dev/null
  skopeo copy -q --src-tls-verify=false "docker://$hp/bench/warm:t" "dir:$SHM/pull" >/dev/null; rm -rf "$SHM/pull"
done

for run in $(seq 1 "$RUNS"); do
  rm -rf "$SHM/big" "$SHM/small"
  make_layout "$SHM/big" "r$run" "$SHM/content/big"
  make_layout "$SHM/small" "r$run" "$SHM"/content/small/f*
  # alternate which registry goes first
  if (( run % 2 )); then order="jswarm distribution"; else order="distribution jswarm"; fi
  for r in $order; do
    if [ "$r" = jswarm ]; then pid=$J_PID hp=127.0.0.1:$J_PORT; else pid=$D_PID hp=127.0.0.1:$D_PORT; fi
    push_pull "$r" "$pid" "$hp" "$run" big "$SHM/big"
    push_pull "$r" "$pid" "$hp" "$run" small "$SHM/small"
  done
done

python3 - "$RESULTS" "$(getconf CLK_TCK)" <<'PY'
import csv, statistics, sys
rows = list(csv.reader(open(sys.argv[1]))); hz = float(sys.argv[2])
def series(reg, wl, op, f):
    return [f(int(r[4]), float(r[5]), int(r[6])) for r in rows if r[:3] == [reg, wl, op]]
mbs = lambda b, s, c: b / s / 1e6
cpu = lambda b, s, c: (c / hz) / (b / 1e9)
print(f"\n{'workload':<16}{'metric':<12}{'jswarm min/med/max':>26}{'distribution min/med/max':>30}{'ratio':>8}")
for wl, label in (("big", "512MiB x1"), ("small", "1MiB x200")):
    for op in ("push", "pull"):
        for name, f in (("MB/s", mbs), ("CPU-s/GB", cpu)):
            j, d = series("jswarm", wl, op, f), series("distribution", wl, op, f)
            fmt = lambda v: f"{min(v):.2f}/{statistics.median(v):.2f}/{max(v):.2f}"
            ratio = statistics.median(j) / statistics.median(d) if statistics.median(d) else float("nan")
            print(f"{label + ' ' + op:<16}{name:<12}{fmt(j):>26}{fmt(d):>30}{ratio:>8.2f}")
PY
