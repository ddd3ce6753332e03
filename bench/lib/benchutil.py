#!/usr/bin/env python3
"""Helpers for bench/service-create.sh (timing, Docker API polling, statistics).

Subcommands:
  docker-wait SOCK SERVICE N TIMEOUT -- CMD...
      Notes t0, starts CMD (the `docker service create --detach ...`) right away, and polls the
      Docker API over the unix socket SOCK every 100 ms (on a fixed 100 ms grid from t0) for
      tasks of SERVICE with desired state running whose Status.State is "running". Prints
      "<seconds until N running> <seconds until CMD exited>" and exits 0; exits 1 on timeout
      or if CMD fails.
  cmd-wait TIMEOUT -- CMD...
      Times CMD from start to exit. Prints "<seconds>" and exits 0 if CMD exited 0; otherwise
      prints CMD's output to stderr and exits 1. Kills CMD (by its PID) on timeout.
  rm-wait docker SOCK SERVICE TIMEOUT -- CMD...
  rm-wait runc ROOT - TIMEOUT -- CMD...
      Notes t0, runs CMD (a `service rm`) and polls every 100 ms until no container is left: the
      Docker API's containers (any state) labelled with SERVICE, or `runc --root ROOT list -q`
      empty. Prints "<seconds until none left>"; exits 1 on timeout or if CMD fails.
  docker-count SOCK PATH
      GET PATH on the Docker API and print the length of the JSON list it returns (-1 on error).
  stats
      Reads "key<TAB>value" lines on stdin; prints "key<TAB>count<TAB>min<TAB>median<TAB>max".
  free-port-pair
      Prints a loopback TCP port P such that P and P+1 are both free.
  jswarm-running SERVICE
      Reads `jswarm service ls --format json` on stdin; prints "<running> <desired>" of SERVICE.
  rss-sum SUBSTRING [EXCLUDE_PID...]
      Sums VmRSS (kB) of the processes whose command line contains SUBSTRING, except the given
      PIDs and this process and its parent; prints "<kB> <process count>".
"""
import os
import http.client
import json
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout=5.0):
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self._path)
        self.sock = s


class DockerAPI:
    def __init__(self, sock):
        self.sock = sock
        self.conn = None

    def get(self, path):
        """Returns (status, parsed JSON or None). Reconnects once on a broken keep-alive."""
        for attempt in range(2):
            try:
                if self.conn is None:
                    self.conn = UnixHTTPConnection(self.sock)
                self.conn.request("GET", path)
                resp = self.conn.getresponse()
                body = resp.read()
                try:
                    return resp.status, json.loads(body)
                except ValueError:
                    return resp.status, None
            except (OSError, http.client.HTTPException):
                try:
                    if self.conn is not None:
                        self.conn.close()
                except Exception:
                    pass
                self.conn = None
                if attempt == 1:
                    return 0, None
        return 0, None


def running_tasks(api, service):
    filters = json.dumps({"service": {service: True}, "desired-state": {"running": True}})
    status, data = api.get("/v1.41/tasks?filters=" + urllib.parse.quote(filters))
    if status != 200 or not isinstance(data, list):
        return 0  # the service does not exist yet (404) or the daemon is busy
    return sum(1 for t in data
               if t.get("DesiredState") == "running"
               and (t.get("Status") or {}).get("State") == "running")


def docker_wait(argv):
    sock, service, n, timeout = argv[0], argv[1], int(argv[2]), float(argv[3])
    cmd = argv[argv.index("--") + 1:]
    api = DockerAPI(sock)
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    exited = []  # time the command exited, noted by a thread (not at the 100 ms poll grid)

    output = []

    def waiter():
        output.append(proc.communicate()[0])
        exited.append(time.monotonic() - t0)

    threading.Thread(target=waiter, daemon=True).start()
    cmd_done = None
    k = 0
    try:
        while True:
            now = time.monotonic()
            if cmd_done is None and exited:
                cmd_done = exited[0]
                if proc.returncode != 0:
                    sys.stderr.write("create command failed (%d): %s\n" % (
                        proc.returncode, output[0].decode(errors="replace")))
                    return 1
            if running_tasks(api, service) >= n:
                reached = time.monotonic() - t0
                if cmd_done is None:
                    proc.wait(timeout=max(1.0, timeout - reached))
                    while not exited:
                        time.sleep(0.001)
                    cmd_done = exited[0]
                    if proc.returncode != 0:
                        sys.stderr.write("create command failed (%d)\n" % proc.returncode)
                        return 1
                print("%.3f %.3f" % (reached, cmd_done))
                return 0
            if now - t0 > timeout:
                sys.stderr.write("timeout: fewer than %d tasks of %s running after %.0f s\n"
                                 % (n, service, timeout))
                return 1
            k += 1
            delay = t0 + k * 0.1 - time.monotonic()
            if delay > 0:
                time.sleep(delay)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def cmd_wait(argv):
    timeout = float(argv[0])
    cmd = argv[argv.index("--") + 1:]
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
        sys.stderr.write("timeout after %.0f s: %s\n%s\n"
                         % (timeout, " ".join(cmd), out.decode(errors="replace")))
        return 1
    elapsed = time.monotonic() - t0
    if proc.returncode != 0:
        sys.stderr.write("command failed (%d): %s\n%s\n"
                         % (proc.returncode, " ".join(cmd), out.decode(errors="replace")))
        return 1
    print("%.3f" % elapsed)
    return 0


def rm_wait(argv):
    kind, where, service, timeout = argv[0], argv[1], argv[2], float(argv[3])
    cmd = argv[argv.index("--") + 1:]
    if kind == "docker":
        api = DockerAPI(where)
        filters = urllib.parse.quote(json.dumps(
            {"label": ["com.docker.swarm.service.name=" + service]}))
        path = "/v1.41/containers/json?all=1&filters=" + filters

        def left():
            status, data = api.get(path)
            return len(data) if status == 200 and isinstance(data, list) else -1
    else:
        def left():
            r = subprocess.run(["runc", "--root", where, "list", "-q"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            return len(r.stdout.split()) if r.returncode == 0 else 0
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    k = 0
    try:
        while True:
            n = left()
            now = time.monotonic()
            if n == 0:
                out, _ = proc.communicate(timeout=max(1.0, timeout - (now - t0)))
                if proc.returncode != 0:
                    sys.stderr.write("remove command failed (%d): %s\n"
                                     % (proc.returncode, out.decode(errors="replace")))
                    return 1
                print("%.3f" % (now - t0))
                return 0
            if now - t0 > timeout:
                sys.stderr.write("timeout: %d containers of %s left after %.0f s\n"
                                 % (n, service, timeout))
                return 1
            k += 1
            delay = t0 + k * 0.1 - time.monotonic()
            if delay > 0:
                time.sleep(delay)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def docker_count(argv):
    status, data = DockerAPI(argv[0]).get(argv[1])
    print(len(data) if status == 200 and isinstance(data, list) else -1)
    return 0


def stats(_argv):
    groups = {}
    order = []
    for line in sys.stdin:
        line = line.rstrip("\n")
        if not line:
            continue
        key, value = line.rsplit("\t", 1)
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(float(value))
    for key in order:
        v = groups[key]
        print("%s\t%d\t%.3f\t%.3f\t%.3f" % (key, len(v), min(v), statistics.median(v), max(v)))
    return 0


def free_port_pair(_argv):
    for _ in range(200):
        p = random.randint(20000, 40000)
        socks = []
        try:
            for q in (p, p + 1):
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                socks.append(s)
                s.bind(("127.0.0.1", q))
            print(p)
            return 0
        except OSError:
            pass
        finally:
            for s in socks:
                s.close()
    sys.stderr.write("no free port pair found\n")
    return 1


def jswarm_running(argv):
    name = argv[0]
    data = json.load(sys.stdin)
    for svc in data.get("services", []):
        if (svc.get("spec") or {}).get("name") == name:
            sid = svc.get("id")
            print("%s %s" % (data.get("running", {}).get(sid, "0"),
                             data.get("desired", {}).get(sid, "0")))
            return 0
    print("0 0")
    return 0


def rss_kb(pid):
    try:
        with open("/proc/%s/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def rss_sum(argv):
    needle = argv[0].encode()
    exclude = set(argv[1:]) | {str(os.getpid()), str(os.getppid())}
    total = count = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or pid in exclude:
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                cmdline = f.read()
        except OSError:
            continue
        if needle in cmdline:
            kb = rss_kb(pid)
            if kb:
                total += kb
                count += 1
    print("%d %d" % (total, count))
    return 0


def main():
    cmds = {"rss-sum": rss_sum, "rm-wait": rm_wait, "docker-wait": docker_wait, "cmd-wait": cmd_wait, "docker-count": docker_count,
            "stats": stats, "free-port-pair": free_port_pair, "jswarm-running": jswarm_running}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        sys.stderr.write(__doc__)
        return 2
    return cmds[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
