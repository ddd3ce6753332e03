#!/usr/bin/env bash
# Benchmark (not a test): the manager with N simulated workers (in-process agents speaking the
# real dispatcher protocol over loopback gRPC) converging T tasks.
#   bench/sim-workers.sh [NODES] [TASKS] [TIMEOUT_S] [MODES]   (defaults 1000 100000 300 "plain networked")
# MODES: "plain" (no networks), "networked" (10 overlays, each service on one and constrained to
# one zone of 100 nodes; every 25th service also publishes a port on the routing mesh, so every
# node is on the ingress network too). Each mode runs in its own JVM, one after the other, and
# the figures are printed side by side at the end: time to converge, one more service RUNNING
# after create, manager idle CPU (before the services and once converged), NetworkState bytes
# per node for one more service on an overlay.
set -euo pipefail
cd "$(dirname "$0")/.."
nodes="${1:-1000}"
tasks="${2:-100000}"
timeout="${3:-300}"
modes="${4:-plain networked}"
# one reactor invocation: sibling modules resolve to their target/classes, nothing is installed
flock /tmp/jswarm-build.lock ./mvnw -o -q -B -pl manager -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/bench.cp >/dev/null
cp="manager/target/test-classes:manager/target/classes:$(cat manager/target/bench.cp)"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
exec 9>/tmp/jswarm-bench.lock
flock 9
for mode in $modes; do
  echo "== mode $mode; load before: $(uptime)"
  java ${BENCH_JAVA_OPTS:--Xmx3g} -Djava.util.logging.config.file=/dev/null \
    -cp "$cp" io.jswarm.manager.bench.SimulatedWorkersBench "$nodes" "$tasks" "$timeout" "$mode" | tee -a "$out"
  echo "== mode $mode; load after: $(uptime)"
done
echo
echo "==== side by side: $nodes simulated workers, $tasks tasks (targets: converge <= 10 s, probe <= 500 ms, idle <= 5 %) ===="
grep '^FIGURES ' "$out" | sed 's/^FIGURES //' | awk '{
  for (i = 1; i <= NF; i++) { split($i, kv, "="); v[NR, kv[1]] = kv[2]; if (NR == 1) keys[++n] = kv[1] }
  rows = NR } END {
  for (k = 1; k <= n; k++) { printf "  %-32s", keys[k]; for (r = 1; r <= rows; r++) printf " %14s", v[r, keys[k]]; printf "\n" } }'
