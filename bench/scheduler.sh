#!/usr/bin/env bash
# Benchmark: the scheduler as a pure function — 100k pending tasks with constraints, spread and
# reservations onto 1,000 simulated nodes, in one process; prints placements/s per run.
# usage: bench/scheduler.sh [NODES [TASKS [SERVICES [RUNS]]]]   (defaults 1000 100000 100 5)
# Builds manager and what it needs in one reactor run (sibling modules from their target/, not
# from ~/.m2, so a concurrent install elsewhere cannot mix versions).
set -euo pipefail
cd "$(dirname "$0")/.."
cp="$(mktemp)"
trap 'rm -f "$cp"' EXIT
./mvnw -o -q -B -pl manager -am -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile="$cp" >/dev/null
exec java -Xmx2g -cp "manager/target/test-classes:manager/target/classes:$(cat "$cp")" \
  io.jswarm.manager.scheduler.SchedulerBench "$@"
