#!/usr/bin/env bash
# Benchmark: Raft write throughput. A 3-member RaftStore group on loopback (in one JVM) beside bare
# Ratis (a counter state machine, same Ratis settings and transport) in the same run: acknowledged
# writes/s and p50/p99 latency with 1, 16 and 64 writers in flight, over mutual TLS (an EC P-256
# certificate made with keytool, through the same RaftTls the daemon uses) and in plaintext.
# usage: bench/raft-store.sh [SECONDS_PER_LEVEL [LEVELS [MODES [SYSTEMS]]]]   (defaults 5 1,16,64 tls,plain ratis,store)
# Opt-in (not in CI): about 2 minutes with the defaults. Takes /tmp/jswarm-bench.lock so that two
# benchmarks never share the machine; prints the load average beside the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
cp="$(mktemp)"
trap 'rm -f "$cp"' EXIT
flock /tmp/jswarm-build.lock ./mvnw -o -q -B -pl raft-store -am -DskipTests test-compile dependency:build-classpath \
  -Dmdep.outputFile="$cp" >/dev/null
exec flock /tmp/jswarm-bench.lock bash -c '
  echo "load before: $(uptime)"
  # what one log flush costs on this disk now (each acknowledged entry needs two: leader and a follower)
  f="$(mktemp)"; echo "4 KiB O_DSYNC writes: $(dd if=/dev/zero of="$f" bs=4k count=200 oflag=dsync 2>&1 | tail -1)"; rm -f "$f"
  java -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "raft-store/target/test-classes:raft-store/target/classes:api/target/classes:$(cat "$0")" \
    io.jswarm.store.RaftStoreBench "${@}"
  echo "load after: $(uptime)"
' "$cp" "$@"
