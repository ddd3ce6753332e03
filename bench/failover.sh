#!/usr/bin/env bash
# Benchmark (not a test): leader and worker failover times on a lab of namespace hosts.
#   bench/failover.sh [RUNS]      (default 5; needs root, runc, conmon; builds if needed)
# Prints min/median/max of (a) leader kill -9 -> next write acknowledged and (b) worker kill -9
# -> its tasks RUNNING elsewhere, with the cluster defaults they were measured under.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
./mvnw -q -B -o -DskipTests install -pl chaos-tests -am 2>/dev/null || ./mvnw -q -B -DskipTests install -pl chaos-tests -am
./mvnw -q -B -o -pl chaos-tests dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.cp >/dev/null
cp="chaos-tests/target/test-classes:$(cat chaos-tests/target/bench.cp)"
exec java -Djswarm.repo="$PWD" -cp "$cp" io.jswarm.chaos.FailoverBench "$runs"
