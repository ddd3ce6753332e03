#!/usr/bin/env bash
# Benchmark (not a test): the manager with N simulated workers (in-process agents speaking the
# real dispatcher protocol over loopback gRPC) converging T tasks.
#   bench/sim-workers.sh [NODES] [TASKS] [TIMEOUT_S]    (defaults 1000 100000 300)
# Prints heartbeat overhead, assignment overhead and the time until all T tasks are RUNNING.
set -euo pipefail
cd "$(dirname "$0")/.."
nodes="${1:-1000}"
tasks="${2:-100000}"
timeout="${3:-300}"
# one reactor invocation: sibling modules resolve to their target/classes, nothing is installed
./mvnw -o -q -B -pl manager -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/bench.cp >/dev/null
cp="manager/target/test-classes:manager/target/classes:$(cat manager/target/bench.cp)"
exec java ${BENCH_JAVA_OPTS:--Xmx3g} -Djava.util.logging.config.file=/dev/null \
  -cp "$cp" io.jswarm.manager.bench.SimulatedWorkersBench "$nodes" "$tasks" "$timeout"
