#!/usr/bin/env bash
# Benchmark: time from `service create --replicas N` until N tasks are RUNNING, jswarm vs Docker
# Swarm, on this machine, in the same run (see shared/PEERS.md for how Swarm is measured fairly).
# A benchmark command, not a test: it prints figures and exits 0 when every run completed.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: bench/service-create.sh [options]
  --runs R            runs per (system, N, grace mode); default 3
  --sizes LIST        comma-separated replica counts; default 1,10,100
  --grace MODE        default | 0 | both: stop grace period left at its default (10 s on both
                      systems) or set to 0 s on both (--stop-grace-period 0s); default both
  --only SYSTEM       docker | jswarm: measure one system only (no ratios); default both
  --timeout S         give up a run after S seconds; default 300
  --keep-tmp          keep the temporary directory (daemon logs, data roots) at the end
  -h, --help          this text
environment:
  JSWARM_HOME         jswarm repository to measure; default: the repo containing bench/
                      (built with ./mvnw -q -B -DskipTests package if cli/target/jswarm-cli.jar
                      is missing)
What it does: installs docker.io, runc, conmon, busybox-static with apt when missing; makes a
busybox rootfs tar; uses the dockerd on /var/run/docker.sock if one answers, else starts its own
(offline, own data root and socket under a temp dir); starts a jswarm daemon on a temp data root;
measures; stops everything it started (also on failure), by PID.
EOF
}

RUNS=3
SIZES=1,10,100
GRACE=both
ONLY=both
TIMEOUT=300
KEEP_TMP=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    --sizes) SIZES="$2"; shift 2 ;;
    --grace) GRACE="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    --timeout) TIMEOUT="$2"; shift 2 ;;
    --keep-tmp) KEEP_TMP=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
done
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "--runs must be a positive integer" >&2; exit 2; }
[[ "$SIZES" =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] || { echo "--sizes must be like 1,10,100" >&2; exit 2; }
[[ "$TIMEOUT" =~ ^[1-9][0-9]*$ ]] || { echo "--timeout must be a positive integer" >&2; exit 2; }
case "$GRACE" in default) MODES=(default) ;; 0) MODES=(0) ;; both) MODES=(default 0) ;;
  *) echo "--grace must be default, 0 or both" >&2; exit 2 ;; esac
case "$ONLY" in both) SYSTEMS=(docker jswarm) ;; docker) SYSTEMS=(docker) ;; jswarm) SYSTEMS=(jswarm) ;;
  *) echo "--only must be docker or jswarm" >&2; exit 2 ;; esac
IFS=, read -r -a NS <<<"$SIZES"
NMAX=0; for n in "${NS[@]}"; do if (( n > NMAX )); then NMAX=$n; fi; done

BENCH_DIR="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
JSWARM_HOME="${JSWARM_HOME:-$(cd "$BENCH_DIR/.." && pwd)}"
DOCKER=/usr/bin/docker            # Debian's client; /usr/local/bin/docker is another binary
PY=python3; [[ -x /usr/bin/python3 ]] && PY=/usr/bin/python3
UTIL="$BENCH_DIR/lib/benchutil.py"

log() { echo "[$(date +%T)] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }
has() { [[ " ${SYSTEMS[*]} " == *" $1 "* ]]; }

# ---------------------------------------------------------------- state and cleanup
TMP=""
DSOCK=""; DOCKERD_PID=""; OWN_DOCKERD=0; SWARM_INITED=0; DOCKER_EXEC_ROOT=""
JSOCK=""; JSWARM_PID=""

d() { "$DOCKER" -H "unix://$DSOCK" "$@"; }
js() { "$JSWARM_HOME/bin/jswarm" -H "unix://$JSOCK" "$@"; }
alive() { [[ -n "$1" ]] && kill -0 "$1" 2>/dev/null; }

# Stops one process we started: SIGTERM, up to $2 seconds, then SIGKILL.
stop_pid() {
  local pid="$1" secs="$2" i
  alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < secs * 5; i++)); do alive "$pid" || break; sleep 0.2; done
  if alive "$pid"; then log "pid $pid still alive after ${secs}s: SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; fi
  wait "$pid" 2>/dev/null || true
}

docker_container_count() {  # containers (any state) of one swarm service, -1 if the API fails
  local f
  f=$("$PY" -c 'import json,sys,urllib.parse; print(urllib.parse.quote(json.dumps({"label":["com.docker.swarm.service.name="+sys.argv[1]]})))' "$1")
  "$PY" "$UTIL" docker-count "$DSOCK" "/v1.41/containers/json?all=1&filters=$f"
}

# Removes a Docker service and its containers, forced (`docker rm -f`): for leftovers and
# after a failed run; the timed removal is in measure_docker.
docker_remove() {
  local name="$1" i ids n
  timeout 60 "$DOCKER" -H "unix://$DSOCK" service rm "$name" >/dev/null 2>&1 || true
  for ((i = 0; i < 600; i++)); do
    ids=$(timeout 30 "$DOCKER" -H "unix://$DSOCK" ps -aq --filter "label=com.docker.swarm.service.name=$name" 2>/dev/null || true)
    [[ -n "$ids" ]] && { timeout 60 "$DOCKER" -H "unix://$DSOCK" rm -f $ids >/dev/null 2>&1 || true; }
    n=$(docker_container_count "$name")
    [[ "$n" == 0 ]] && return 0
    sleep 0.2
  done
  log "WARNING: containers of docker service $name still present after ~120 s"
  return 1
}

jswarm_runc_list() { runc --root "$TMP/jswarm-data/runc" list -q 2>/dev/null || true; }

# Removes a jswarm service and waits until runc lists no container on its data root: after a
# failed run; the timed removal is in measure_jswarm.
jswarm_remove() {
  local name="$1" i
  timeout 60 "$JSWARM_HOME/bin/jswarm" -H "unix://$JSOCK" service rm "$name" >/dev/null 2>&1 || true
  for ((i = 0; i < 900; i++)); do  # 900 × 0.2 s = 180 s at most
    [[ -z "$(jswarm_runc_list)" ]] && return 0
    sleep 0.2
  done
  log "WARNING: jswarm containers still present 180 s after removing $name: $(jswarm_runc_list | tr '\n' ' ')"
  return 1
}

cleanup() {
  local rc=$? s id m
  trap - EXIT INT TERM
  set +e
  [[ -z "$TMP" ]] && exit $rc
  log "cleaning up"
  if [[ -n "$JSWARM_PID" ]]; then
    if alive "$JSWARM_PID"; then
      for n in "${NS[@]}"; do
        timeout 60 "$JSWARM_HOME/bin/jswarm" -H "unix://$JSOCK" service rm "b$n" >/dev/null 2>&1
      done
      for ((i = 0; i < 100; i++)); do [[ -z "$(jswarm_runc_list)" ]] && break; sleep 0.2; done
    fi
    stop_pid "$JSWARM_PID" 20
    # Containers the jswarm daemon left behind, by id on its own runc root.
    for id in $(jswarm_runc_list); do
      runc --root "$TMP/jswarm-data/runc" kill "$id" KILL >/dev/null 2>&1
      sleep 0.2
      runc --root "$TMP/jswarm-data/runc" delete --force "$id" >/dev/null 2>&1
    done
  fi
  if [[ -n "$DSOCK" ]] && d version >/dev/null 2>&1; then
    for n in "${NS[@]}"; do d service inspect "b$n" >/dev/null 2>&1 && docker_remove "b$n" >/dev/null 2>&1; done
    if (( SWARM_INITED )); then timeout 60 "$DOCKER" -H "unix://$DSOCK" swarm leave --force >/dev/null 2>&1; fi
  fi
  if (( OWN_DOCKERD )); then
    local cpid=""
    cpid=$(cat "$DOCKER_EXEC_ROOT/containerd/containerd.pid" 2>/dev/null || true)
    stop_pid "$DOCKERD_PID" 60
    # dockerd stops the containerd it started; if it was killed, stop that containerd too.
    if [[ -n "$cpid" ]] && alive "$cpid" && grep -q "$TMP" "/proc/$cpid/cmdline" 2>/dev/null; then
      kill -TERM "$cpid" 2>/dev/null
    fi
  fi
  # Empty cgroup parents left behind: jswarm's node cgroup (jswarm-<node name>) and, with our own
  # dockerd, its "docker" parent. rmdir removes a cgroup only if it has no tasks and no children.
  local cg
  for cg in /sys/fs/cgroup/*/jswarm-bench /sys/fs/cgroup/jswarm-bench; do
    [[ -n "$JSWARM_PID" && -d "$cg" ]] && rmdir "$cg" 2>/dev/null
  done
  if (( OWN_DOCKERD )) && ! pgrep -x dockerd >/dev/null; then
    for cg in /sys/fs/cgroup/*/docker /sys/fs/cgroup/docker; do [[ -d "$cg" ]] && rmdir "$cg" 2>/dev/null; done
  fi
  # Mounts left under the temp dir (overlay, shm, netns) must go before it is removed.
  for m in $(awk -v t="$TMP/" 'index($2, t) == 1 {print $2}' /proc/mounts | sort -r); do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
  done
  if (( KEEP_TMP )) || (( rc != 0 )); then
    log "temporary directory kept: $TMP (logs: $TMP/dockerd.log, $TMP/jswarm-daemon.log)"
  elif awk -v t="$TMP/" 'index($2, t) == 1 {f = 1} END {exit !f}' /proc/mounts; then
    log "WARNING: mounts remain under $TMP; not removing it"
  else
    rm -rf "$TMP"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- packages and rootfs
missing=()
{ [[ -x /usr/bin/docker && -x /usr/sbin/dockerd ]] || ! has docker; } || missing+=(docker.io)
command -v runc >/dev/null || missing+=(runc)
command -v conmon >/dev/null || missing+=(conmon)
dpkg -s busybox-static 2>/dev/null | grep -q '^Status: install ok installed' || missing+=(busybox-static)
command -v "$PY" >/dev/null || missing+=(python3)
command -v timeout >/dev/null || missing+=(coreutils)
if (( ${#missing[@]} )); then
  log "installing: ${missing[*]}"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  [[ -x /usr/bin/python3 ]] && PY=/usr/bin/python3
fi

TMP=$(mktemp -d /tmp/jswarm-bench.XXXXXX)
log "temporary directory: $TMP"
rootfs="$TMP/rootfs"
mkdir -p "$rootfs"/{bin,etc,proc,sys,dev,tmp,root}
cp /bin/busybox "$rootfs/bin/busybox"
for a in sh sleep echo cat ls ps true false env id hostname wget nc; do ln -s busybox "$rootfs/bin/$a"; done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
tar -C "$rootfs" --numeric-owner --owner=0 --group=0 -cf "$TMP/busybox.tar" .

rss_of() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
mib() { if [[ -z "${1:-}" ]]; then echo n/a; else awk -v k="$1" 'BEGIN {printf "%.1f MiB", k / 1024}'; fi; }

# ---------------------------------------------------------------- Docker Swarm setup
if has docker; then
  if timeout 10 "$DOCKER" -H unix:///var/run/docker.sock version >/dev/null 2>&1; then
    DSOCK=/var/run/docker.sock
    DOCKERD_PID=$(cat /var/run/docker.pid 2>/dev/null || true)
    log "using the dockerd already answering on $DSOCK (pid ${DOCKERD_PID:-?}); it is left running"
  else
    DSOCK="$TMP/docker.sock"
    DOCKER_EXEC_ROOT="$TMP/docker-exec"
    log "starting dockerd (data root $TMP/docker-data, socket $DSOCK)"
    DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 /usr/sbin/dockerd \
      --data-root "$TMP/docker-data" --exec-root "$DOCKER_EXEC_ROOT" --pidfile "$TMP/dockerd.pid" \
      -H "unix://$DSOCK" --iptables=false --ip6tables=false --bridge=none \
      >"$TMP/dockerd.log" 2>&1 &
    DOCKERD_PID=$!
    OWN_DOCKERD=1
    for ((i = 0; i < 300; i++)); do  # 60 s
      alive "$DOCKERD_PID" || { tail -20 "$TMP/dockerd.log" >&2; die "dockerd exited"; }
      timeout 5 "$DOCKER" -H "unix://$DSOCK" version >/dev/null 2>&1 && break
      sleep 0.2
    done
    timeout 5 "$DOCKER" -H "unix://$DSOCK" version >/dev/null 2>&1 || die "dockerd did not answer in 60 s"
  fi
  if [[ "$(d info --format '{{.Swarm.LocalNodeState}}')" != active ]]; then
    d swarm init --advertise-addr 127.0.0.1 >/dev/null
    SWARM_INITED=1
  fi
  d image inspect bench-busybox:latest >/dev/null 2>&1 || d import "$TMP/busybox.tar" bench-busybox:latest >/dev/null
  for n in "${NS[@]}"; do  # leftovers of an earlier, interrupted run
    if d service inspect "b$n" >/dev/null 2>&1; then docker_remove "b$n"; fi
  done
  DOCKER_VERSION=$(d version --format '{{.Server.Version}}')
fi

# ---------------------------------------------------------------- jswarm setup
if has jswarm; then
  if [[ ! -f "$JSWARM_HOME/cli/target/jswarm-cli.jar" ]]; then
    log "building jswarm in $JSWARM_HOME (./mvnw -q -B -DskipTests package)"
    (cd "$JSWARM_HOME" && timeout 1800 ./mvnw -q -B -DskipTests package) || die "jswarm build failed"
  fi
  [[ -f "$JSWARM_HOME/cli/target/jswarm-cli.jar" ]] || die "no $JSWARM_HOME/cli/target/jswarm-cli.jar after the build"
  # Run a snapshot of the build, so that a rebuild of JSWARM_HOME during the run (another
  # engineer's `mvnw package`) neither mixes two builds nor replaces jars under the running
  # daemon; bin/jswarm then makes its class-data-sharing archive in the snapshot, and nothing is
  # written into JSWARM_HOME.
  JSWARM_SRC="$JSWARM_HOME"
  JSWARM_REV="$(git -C "$JSWARM_SRC" rev-parse --short HEAD 2>/dev/null || echo '?')"
  snap="$TMP/jswarm-home"
  for ((i = 0; i < 5; i++)); do
    before=$(stat -c '%Y %s' "$JSWARM_SRC/cli/target/jswarm-cli.jar")
    rm -rf "$snap"; mkdir -p "$snap/bin" "$snap/cli/target"
    cp -p "$JSWARM_SRC/bin/jswarm" "$snap/bin/jswarm"
    cp -p "$JSWARM_SRC/cli/target/jswarm-cli.jar" "$snap/cli/target/"
    cp -pr "$JSWARM_SRC/cli/target/lib" "$snap/cli/target/lib"
    after=$(stat -c '%Y %s' "$JSWARM_SRC/cli/target/jswarm-cli.jar")
    [[ "$before" == "$after" ]] && (( $(date +%s) - ${after%% *} > 5 )) && break
    sleep 5   # a build is writing it: take it again once it has settled
  done
  JSWARM_BUILT="$(date -d "@$(stat -c %Y "$snap/cli/target/jswarm-cli.jar")" '+%F %T')"
  JSWARM_HOME="$snap"
  JSOCK="$TMP/jswarm.sock"
  PORT=$("$PY" "$UTIL" free-port-pair)
  mkdir -p "$TMP/jswarm-data"
  log "starting jswarm daemon (data root $TMP/jswarm-data, socket $JSOCK, ports $PORT,$((PORT + 1)))"
  "$JSWARM_HOME/bin/jswarm" daemon --data-root "$TMP/jswarm-data" --host "unix://$JSOCK" \
    --listen-addr "127.0.0.1:$PORT" --node-name bench >"$TMP/jswarm-daemon.log" 2>&1 &
  JSWARM_PID=$!   # bin/jswarm execs java: this is the daemon's JVM
  ok=0
  for ((i = 0; i < 120; i++)); do  # ≥ 120 s
    alive "$JSWARM_PID" || { tail -30 "$TMP/jswarm-daemon.log" >&2; die "jswarm daemon exited"; }
    if timeout 30 "$JSWARM_HOME/bin/jswarm" -H "unix://$JSOCK" info >/dev/null 2>&1; then ok=1; break; fi
    sleep 1
  done
  (( ok )) || { tail -30 "$TMP/jswarm-daemon.log" >&2; die "jswarm daemon did not answer \`info\` in 120 s"; }
  timeout 60 "$JSWARM_HOME/bin/jswarm" -H "unix://$JSOCK" swarm init >/dev/null || die "jswarm swarm init failed"
  timeout 120 "$JSWARM_HOME/bin/jswarm" -H "unix://$JSOCK" image import "$TMP/busybox.tar" bench-busybox:latest >/dev/null \
    || die "jswarm image import failed"
fi

# ---------------------------------------------------------------- idle figures
sleep 2
declare -A RSS
if has docker && [[ -n "$DOCKERD_PID" ]]; then
  RSS[docker_idle]=$(rss_of "$DOCKERD_PID")
  if (( OWN_DOCKERD )); then RSS[docker_idle_rest]=$("$PY" "$UTIL" rss-sum "$TMP/docker-exec" "$DOCKERD_PID"); fi
fi
if has jswarm; then
  RSS[jswarm_idle]=$(rss_of "$JSWARM_PID")
  RSS[jswarm_idle_rest]=$("$PY" "$UTIL" rss-sum "$TMP/jswarm-data" "$JSWARM_PID")
fi
LS_TIMES="$TMP/ls.tsv"; : >"$LS_TIMES"
for ((i = 0; i < 10; i++)); do
  if has jswarm; then
    printf 'jswarm\t%s\n' "$("$PY" "$UTIL" cmd-wait 60 -- "$JSWARM_HOME/bin/jswarm" -H "unix://$JSOCK" service ls)" >>"$LS_TIMES"
  fi
  if has docker; then
    printf 'docker\t%s\n' "$("$PY" "$UTIL" cmd-wait 60 -- "$DOCKER" -H "unix://$DSOCK" service ls)" >>"$LS_TIMES"
  fi
done

# ---------------------------------------------------------------- measurements
RESULTS="$TMP/results.tsv"; : >"$RESULTS"
FAILED=0

measure_docker() {  # N MODE RUN
  local n="$1" mode="$2" name="b$1" out args
  args=(service create --detach --no-resolve-image --name "$name" --replicas "$n")
  [[ "$mode" == 0 ]] && args+=(--stop-grace-period 0s)
  args+=(bench-busybox:latest sleep 3600)
  if out=$("$PY" "$UTIL" docker-wait "$DSOCK" "$name" "$n" "$TIMEOUT" -- "$DOCKER" -H "unix://$DSOCK" "${args[@]}"); then
    printf 'create\tdocker\t%s\t%s\t%s\n' "$mode" "$n" "${out%% *}" >>"$RESULTS"
    log "docker  grace=$mode N=$n run $3: ${out%% *} s (CLI returned after ${out##* } s)"
    if (( n == NMAX )); then
      if [[ -n "$DOCKERD_PID" ]]; then printf 'docker_full\t%s\n' "$(rss_of "$DOCKERD_PID")" >>"$TMP/rss.tsv"; fi
      if (( OWN_DOCKERD )); then printf 'docker_full_rest\t%s\n' "$("$PY" "$UTIL" rss-sum "$TMP/docker-exec" "$DOCKERD_PID" | cut -d' ' -f1)" >>"$TMP/rss.tsv"; fi
    fi
  else
    FAILED=$((FAILED + 1)); log "docker  grace=$mode N=$n run $3: FAILED"
    docker_remove "$name" || true
    return 0
  fi
  if t=$("$PY" "$UTIL" rm-wait docker "$DSOCK" "$name" "$TIMEOUT" -- "$DOCKER" -H "unix://$DSOCK" service rm "$name"); then
    printf 'rm\tdocker\t%s\t%s\t%s\n' "$mode" "$n" "$t" >>"$RESULTS"
    log "docker  grace=$mode N=$n run $3: service rm → containers gone $t s"
  else
    FAILED=$((FAILED + 1)); log "docker  grace=$mode N=$n run $3: service rm FAILED"
    docker_remove "$name" || true
  fi
}

measure_jswarm() {  # N MODE RUN
  local n="$1" mode="$2" name="b$1" t args rd
  args=(service create --name "$name" --replicas "$n")
  [[ "$mode" == 0 ]] && args+=(--stop-grace-period 0s)
  args+=(bench-busybox:latest sleep 3600)
  if t=$("$PY" "$UTIL" cmd-wait "$TIMEOUT" -- "$JSWARM_HOME/bin/jswarm" -H "unix://$JSOCK" "${args[@]}"); then
    rd=$(timeout 30 "$JSWARM_HOME/bin/jswarm" -H "unix://$JSOCK" service ls --format json 2>/dev/null | "$PY" "$UTIL" jswarm-running "$name" 2>/dev/null || echo "? ?")
    if [[ "$rd" != "$n $n" ]]; then
      log "WARNING: jswarm create of $name returned but service ls says running/desired = ${rd/ //}"
    fi
    printf 'create\tjswarm\t%s\t%s\t%s\n' "$mode" "$n" "$t" >>"$RESULTS"
    log "jswarm  grace=$mode N=$n run $3: $t s (running/desired after: ${rd/ //})"
    if (( n == NMAX )); then
      printf 'jswarm_full\t%s\n' "$(rss_of "$JSWARM_PID")" >>"$TMP/rss.tsv"
      printf 'jswarm_full_rest\t%s\n' "$("$PY" "$UTIL" rss-sum "$TMP/jswarm-data" "$JSWARM_PID" | cut -d' ' -f1)" >>"$TMP/rss.tsv"
    fi
  else
    FAILED=$((FAILED + 1)); log "jswarm  grace=$mode N=$n run $3: FAILED"
    jswarm_remove "$name" || true
    return 0
  fi
  local have
  have=$(jswarm_runc_list | wc -l)
  if (( have != n )); then
    # The removal is timed by watching runc's list on <data-root>/runc: if it does not show the
    # service's containers, that figure would be meaningless.
    log "WARNING: runc --root $TMP/jswarm-data/runc lists $have containers, not $n: service rm not timed"
    jswarm_remove "$name" || true
    return 0
  fi
  if t=$("$PY" "$UTIL" rm-wait runc "$TMP/jswarm-data/runc" "$name" "$TIMEOUT" -- "$JSWARM_HOME/bin/jswarm" -H "unix://$JSOCK" service rm "$name"); then
    printf 'rm\tjswarm\t%s\t%s\t%s\n' "$mode" "$n" "$t" >>"$RESULTS"
    log "jswarm  grace=$mode N=$n run $3: service rm → containers gone $t s"
  else
    FAILED=$((FAILED + 1)); log "jswarm  grace=$mode N=$n run $3: service rm FAILED"
    jswarm_remove "$name" || true
  fi
}

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
: >"$TMP/rss.tsv"
for mode in "${MODES[@]}"; do
  for n in "${NS[@]}"; do
    for ((r = 1; r <= RUNS; r++)); do
      # Alternate which system goes first, so that drift in the machine's load hits both alike.
      if (( r % 2 )); then order=("${SYSTEMS[@]}"); else order=(); for ((k = ${#SYSTEMS[@]} - 1; k >= 0; k--)); do order+=("${SYSTEMS[k]}"); done; fi
      for sys in "${order[@]}"; do "measure_$sys" "$n" "$mode" "$r"; done
    done
  done
done
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- report
median_of() {  # key in rss.tsv → median kB, or empty
  awk -F'\t' -v k="$1" '$1 == k {print "x\t" $2}' "$TMP/rss.tsv" | "$PY" "$UTIL" stats | cut -f4
}
echo
echo "== service create --replicas N → N tasks running: jswarm vs Docker Swarm, same machine, same run =="
echo "machine: $(nproc) cores, $(uname -r), load average at start $LOAD_START, at end $LOAD_END"
has docker && echo "docker: dockerd $DOCKER_VERSION$( ((OWN_DOCKERD)) && echo ' (started by this script, offline)'), runc $(runc --version | awk 'NR==1 {print $3}'); time = \`$DOCKER service create --detach --no-resolve-image\` until the API (polled every 100 ms from just before the command) shows N tasks with state and desired state running; resolution 0.1 s"
has jswarm && echo "jswarm: $JSWARM_SRC (HEAD $JSWARM_REV at start; jar built $JSWARM_BUILT, run from a copy); time = blocking \`jswarm service create\` (no --detach) from start to exit (it exits once converged); includes one client JVM start (see service ls wall time below)"
echo "grace modes: ${MODES[*]} (default = each system's default stop grace, not set; 0 = --stop-grace-period 0s on both); runs: $RUNS"
echo "after each create, the service is removed and timed too: \`service rm\` until no container of it is left (docker: API containers?all=1 by service label; jswarm: runc --root <data-root>/runc list -q empty; both polled every 100 ms; the jswarm figure includes the client's JVM start)"
awk -F'\t' '{print $1 "|" $3 "|" $2 "|" $4 "\t" $5}' "$RESULTS" | "$PY" "$UTIL" stats >"$TMP/stats.tsv"
for phase in create rm; do
  echo
  if [[ $phase == create ]]; then echo "-- service create --replicas N → N tasks running (seconds)"
  else echo "-- service rm → all N containers gone (seconds)"; fi
  printf '%-8s %-7s %5s %5s %8s %8s %8s %14s\n' grace system N runs min median max "jswarm/swarm"
  for mode in "${MODES[@]}"; do
    for n in "${NS[@]}"; do
      dm=$(awk -F'\t' -v k="$phase|$mode|docker|$n" '$1 == k {print $4}' "$TMP/stats.tsv")
      jm=$(awk -F'\t' -v k="$phase|$mode|jswarm|$n" '$1 == k {print $4}' "$TMP/stats.tsv")
      for sys in "${SYSTEMS[@]}"; do
        line=$(awk -F'\t' -v k="$phase|$mode|$sys|$n" '$1 == k' "$TMP/stats.tsv")
        ratio="-"
        if [[ "$sys" == jswarm && -n "$dm" && -n "$jm" ]]; then
          ratio=$(awk -v j="$jm" -v d="$dm" 'BEGIN {if (d > 0) printf "%.2f", j / d; else print "-"}')
        fi
        if [[ -z "$line" ]]; then
          printf '%-8s %-7s %5s %5s %8s %8s %8s %14s\n' "$mode" "$sys" "$n" 0 - - - "$ratio"
        else
          IFS=$'\t' read -r _ cnt mn md mx <<<"$line"
          printf '%-8s %-7s %5s %5s %8s %8s %8s %14s\n' "$mode" "$sys" "$n" "$cnt" "$mn" "$md" "$mx" "$ratio"
        fi
      done
    done
  done
done
echo
"$PY" "$UTIL" stats <"$LS_TIMES" | while IFS=$'\t' read -r sys cnt mn md mx; do
  echo "$sys service ls wall time (CLI start to exit$([[ $sys == jswarm ]] && echo ', JVM start included')): median $md s over $cnt runs (min $mn, max $mx)"
done
if has jswarm; then
  full=$(median_of jswarm_full); fullr=$(median_of jswarm_full_rest)
  echo "jswarm daemon RSS (VmRSS of pid $JSWARM_PID): idle $(mib "${RSS[jswarm_idle]}"); with $NMAX tasks running $(mib "$full")" \
       "| other processes naming its data root (conmon etc.): idle $(mib "${RSS[jswarm_idle_rest]%% *}"), with $NMAX tasks $(mib "$fullr")"
fi
if has docker && [[ -n "$DOCKERD_PID" ]]; then
  full=$(median_of docker_full); fullr=$(median_of docker_full_rest)
  echo "dockerd RSS (VmRSS of pid $DOCKERD_PID): idle $(mib "${RSS[docker_idle]}"); with $NMAX tasks running $(mib "$full")" \
       "$( ((OWN_DOCKERD)) && echo "| containerd + shims (processes naming its exec root): idle $(mib "${RSS[docker_idle_rest]%% *}"), with $NMAX tasks $(mib "$fullr")")"
fi
(( FAILED == 0 )) || { echo "FAILED runs: $FAILED (see the log lines above)"; exit 1; }
