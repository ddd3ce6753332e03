#!/usr/bin/env bash
# Benchmark: the scheduler as a pure function — 100k pending tasks with constraints, spread and
# reservations onto 1,000 simulated nodes, in one process; prints placements/s per run.
# usage: bench/scheduler.sh [NODES [TASKS [SERVICES [RUNS]]]]   (defaults 1000 100000 100 5)
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -o -q -B -pl manager -am -DskipTests install >/dev/null
cp="$(mktemp)"
trap 'rm -f "$cp"' EXIT
./mvnw -o -q -B -pl manager test-compile dependency:build-classpath -Dmdep.outputFile="$cp" >/dev/null
exec java -Xmx2g -cp "manager/target/test-classes:manager/target/classes:$(cat "$cp")" \
  io.jswarm.manager.scheduler.SchedulerBench "$@"
