"""Runs commands as whole processes, alternately, and summarises them.

A command is one or more steps (argv lists) run one after the other; its
wall time is their sum and its peak RSS the largest of theirs. CPU time
(user + system) is kept beside wall time: on a machine shared with other
jobs, time spent waiting for a core shows in the wall time only. A group of
commands is run round by round, each command once per round in the same
order (A B A B ...), so machine noise that drifts over the run touches all
of them alike; a ratio is the median of the per-round ratios.
"""
import dataclasses
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time

CPU_CAP_S = 900  # CPU seconds any one process may use; far above any run's


@dataclasses.dataclass
class Command:
    name: str
    steps: list  # argv lists
    cwd: str = None
    env: dict = None
    ok: tuple = (0,)  # exit statuses that mean the command ran
    labels: tuple = ()  # a name per step, to report each step's time


@dataclasses.dataclass
class Result:
    command: Command
    walls: list = dataclasses.field(default_factory=list)  # seconds, per completed run
    step_walls: list = dataclasses.field(default_factory=list)  # per run, per step
    cpus: list = dataclasses.field(default_factory=list)  # user + system seconds, per run
    rss_kib: int = 0  # peak over all runs and steps
    failure: str = None  # why the command did not complete, if it did not

    def median(self):
        return statistics.median(self.walls) if self.walls else None

    def cpu_median(self):
        return statistics.median(self.cpus) if self.cpus else None

    def step_median(self, k):
        return statistics.median(w[k] for w in self.step_walls)


def mem_cap_mib():
    return int(os.environ.get("BENCH_MEM_CAP_MIB", "4096"))


def cap_processes():
    """Caps this process and so every process it starts, so that a run that
    would exhaust the machine's memory fails alone instead of taking the
    machine down. Set here once rather than in each child: a preexec hook
    makes every start cost about 10 ms more, as much as a floor run."""
    cap = mem_cap_mib() << 20
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_CAP_S, CPU_CAP_S))


def _describe(status, err_tail):
    if status < 0:
        sig = signal.Signals(-status).name
        return "killed by %s%s" % (sig, ": " + err_tail if err_tail else "")
    return "exit status %d%s" % (status, ": " + err_tail if err_tail else "")


def _last_line(f):
    f.seek(0)
    lines = f.read().decode("utf-8", "replace").strip().splitlines()
    return lines[-1][:200] if lines else ""


def run_step(argv, cwd, env):
    """(wall seconds, CPU seconds, peak RSS KiB, exit status, last line of
    stderr). Standard output goes to a regular file: some tools (rg) stop at the
    first match when they see /dev/null."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out,
                             stderr=err)
        _, wait_status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(wait_status)
        return (wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, p.returncode,
                _last_line(err))


def run_once(cmd, res):
    """One run of every step of cmd, recorded in res; False when it failed."""
    walls, cpu = [], 0.0
    for argv in cmd.steps:
        wall, step_cpu, rss, status, err_tail = run_step(argv, cmd.cwd, cmd.env)
        walls.append(wall)
        cpu += step_cpu
        res.rss_kib = max(res.rss_kib, rss)
        if status not in cmd.ok:
            res.failure = "%s after %.2f s at %.0f MiB" % (_describe(status, err_tail), wall,
                                                           rss / 1024)
            return False
    res.walls.append(sum(walls))
    res.step_walls.append(walls)
    res.cpus.append(cpu)
    return True


def run_group(label, commands, rounds, warmup=1, budget_s=None):
    """Runs commands alternately: warmup rounds not recorded, then up to
    rounds recorded, and no new round once budget_s seconds have gone by in
    recorded ones (at least one is). Stops at the first failure (its ratios
    would mean nothing). Returns one Result per command, in order."""
    results = [Result(c) for c in commands]
    for r in range(warmup):
        print("bench: %s: warm-up" % label, file=sys.stderr, flush=True)
        for res in results:
            scratch = Result(res.command)
            if not run_once(res.command, scratch):
                res.failure, res.rss_kib = scratch.failure, scratch.rss_kib
                return results
    t0 = time.perf_counter()
    for r in range(rounds):
        if r and budget_s is not None and time.perf_counter() - t0 >= budget_s:
            break
        print("bench: %s: round %d/%d" % (label, r + 1, rounds), file=sys.stderr, flush=True)
        for res in results:
            if not run_once(res.command, res):
                return results
    return results


def ratio(a, b, cpu=False):
    """Median of the per-round ratios of a's wall (or CPU) time to b's."""
    xs, ys = (a.cpus, b.cpus) if cpu else (a.walls, b.walls)
    pairs = [x / y for x, y in zip(xs, ys) if y > 0]
    return statistics.median(pairs) if pairs else None
