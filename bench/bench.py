"""The benchmark's cases and report: bench/run.sh MAXTEXT_CHECKOUT [BUILD_DIR]
runs this as bench.py MAXTEXT_CHECKOUT BUILD_DIR. See the README's Benchmark
section for what each case measures and why."""
import datetime
import os
import platform
import shutil
import subprocess
import sys
import tempfile

import driver
import trees

CONFIGS = "src/maxtext/configs"
SOURCE = "src/maxtext"
# The headline case: Mixtral-8x7B with expert parallelism on one GPU node.
# Its launches name base.yml with model_name=mixtral-8x7b, so its config
# chain is base.yml and that model file.
HEADLINE = "tests/end_to_end/gpu/mixtral/test_8x7b.sh"
HEADLINE_CHAIN = (CONFIGS + "/base.yml", CONFIGS + "/models/mixtral-8x7b.yml")
# The rg floor's pattern: a parenthesised tuple that starts with a quoted
# name, the shape of a logical-axis spec such as ("activation_batch", ...).
# One thread, as shardlint has one.
RG_PATTERN = r"""\(\s*["'][A-Za-z0-9_]+["']\s*,"""
SHARDLINT_OK = (0, 1, 2)  # clean, findings, some target not linted
TARGET_TREE_FLOOR = 4.0
TARGET_TREE_PEER_SPEEDUP = 10.0
TARGET_TREE_RSS_MIB = 64
TARGET_SCALE_SLOPE = 1.3
TARGET_SCALE_RSS_MIB = 256
TARGET_HOSTILE_S = 0.2
TARGET_HEADLINE_FLOOR = 1.5
# A scale group starts no new round after this long (it runs at least one,
# at most BENCH_RUNS), so that a slow engine's 100x tree still ends the run
# in minutes.
SCALE_BUDGET_S = 60


class Bench:
    def __init__(self, checkout, build):
        self.checkout = checkout
        self.shardlint = os.path.join(build, "shardlint")
        self.yaml_floor = os.path.join(build, "yaml_floor")
        self.build = build
        self.runs = int(os.environ.get("BENCH_RUNS", "7"))
        self.tools = {t: shutil.which(t) for t in ("rg", "yamllint", "valgrind")}
        self.measured = []  # (driver.Result, ratio to baseline as text, note)
        self.targets = []  # (what, measured text, PASS/FAIL/-)
        self.skipped = []
        self.callgrind = []  # (label, Ir)

    # -- commands -------------------------------------------------------

    def rg_step(self, source):
        return [self.tools["rg"], "-j1", "--no-ignore", "-t", "py", "-c", RG_PATTERN, source]

    def floor(self, name, yaml_files, source, cwd):
        return driver.Command(name, [[self.yaml_floor] + list(yaml_files), self.rg_step(source)],
                              cwd=cwd, ok=(0, 1), labels=("libyaml", "rg"))

    def check(self, name, args, cwd):
        return driver.Command(name, [[self.shardlint, "check"] + args], cwd=cwd, ok=SHARDLINT_OK)

    # -- recording ------------------------------------------------------

    def record(self, res, vs=""):
        note = ""
        if res.failure:
            note = "did not complete: " + res.failure
        elif res.command.labels and res.step_walls:
            note = " + ".join("%s %.4f" % (label, res.step_median(k))
                              for k, label in enumerate(res.command.labels))
        self.measured.append((res, vs, note))

    def target(self, what, value, form, ok, cpu="-"):
        """A target judged on value (ok None: a figure without a target);
        cpu is the same figure from CPU times, shown beside it."""
        verdict = "-" if ok is None else "FAIL" if value is None or not ok(value) else "PASS"
        shown = "not measured" if value is None else form % value
        self.targets.append((what, shown, cpu, verdict))

    def need(self, case, *tools):
        missing = [t for t in tools if not self.tools[t]]
        if missing:
            self.skipped.append("%s: %s not found (bench/install-deps installs them)"
                                % (case, ", ".join(missing)))
        return not missing

    # -- cases ----------------------------------------------------------

    def case_tree(self):
        if not self.need("tree", "rg", "yamllint"):
            return
        yml = [os.path.relpath(p, self.checkout)
               for p in trees.walk_files(os.path.join(self.checkout, CONFIGS), (".yml", ".yaml"))]
        cmds = [self.check("check " + CONFIGS, [CONFIGS], self.checkout),
                self.floor("floor: libyaml (%d files) + rg" % len(yml), yml, SOURCE,
                           self.checkout),
                driver.Command("yamllint -d relaxed (%d files)" % len(yml),
                               [[self.tools["yamllint"], "-d", "relaxed"] + yml],
                               cwd=self.checkout, ok=(0, 1))]
        shard, floor, peer = driver.run_group("tree", cmds, self.runs)
        to_floor, speedup = ratio_of(shard, floor), ratio_of(peer, shard)
        self.record(shard, "%s, %s" % (fmt("%.1f x floor", to_floor),
                                       fmt("%.2f x faster than yamllint", speedup)))
        cpu_floor, cpu_speedup = ratio_of(shard, floor, True), ratio_of(peer, shard, True)
        self.record(floor, "baseline")
        self.record(peer, "baseline")
        self.target("check %s <= %g x floor (libyaml + rg)" % (CONFIGS, TARGET_TREE_FLOOR),
                    to_floor, "%.1f x", lambda v: v <= TARGET_TREE_FLOOR,
                    fmt("%.1f x", cpu_floor))
        self.target("check %s >= %g x faster than yamllint"
                    % (CONFIGS, TARGET_TREE_PEER_SPEEDUP),
                    speedup, "%.2f x", lambda v: v >= TARGET_TREE_PEER_SPEEDUP,
                    fmt("%.2f x", cpu_speedup))
        self.target("check %s peak RSS < %d MiB" % (CONFIGS, TARGET_TREE_RSS_MIB),
                    None if shard.failure else shard.rss_kib / 1024, "%.0f MiB",
                    lambda v: v < TARGET_TREE_RSS_MIB)

    def case_headline(self):
        if not self.need("headline", "rg"):
            return
        cmds = [self.check("headline: check " + HEADLINE, [HEADLINE], self.checkout),
                self.floor("floor: libyaml (its config chain) + rg", HEADLINE_CHAIN, SOURCE,
                           self.checkout)]
        shard, floor = driver.run_group("headline", cmds, self.runs)
        to_floor = ratio_of(shard, floor)
        self.record(shard, fmt("%.2f x floor", to_floor))
        self.record(floor, "baseline")
        self.target("headline < %g x floor (libyaml of its chain + rg)" % TARGET_HEADLINE_FLOOR,
                    to_floor, "%.2f x", lambda v: v < TARGET_HEADLINE_FLOOR,
                    fmt("%.2f x", ratio_of(shard, floor, True)))

    def case_hostile(self, tmp):
        if not self.need("hostile", "rg"):
            return
        root = os.path.join(tmp, "hostile")
        model = os.path.relpath(trees.hostile_tree(os.path.join(self.checkout, CONFIGS), root),
                                root)
        source = os.path.join(self.checkout, SOURCE)
        cmds = [self.check("hostile: check %s --source %s" % (model, SOURCE),
                           [model, "--source", source], root),
                self.floor("floor: libyaml (base.yml + the model) + rg",
                           (os.path.join(CONFIGS, "base.yml"), model), source, root)]
        shard, floor = driver.run_group("hostile", cmds, self.runs)
        self.record(shard, fmt("%.1f x floor", ratio_of(shard, floor)))
        self.record(floor, "baseline")
        self.target("hostile 1 MiB rule list < %g s" % TARGET_HOSTILE_S,
                    None if shard.failure else shard.median(), "%.3f s",
                    lambda v: v < TARGET_HOSTILE_S, fmt("%.3f s", shard.cpu_median()))

    def case_scale(self, tmp):
        configs = os.path.join(self.checkout, CONFIGS)
        roots = {n: trees.scale_tree(configs, os.path.join(tmp, "x%d" % n), n)
                 for n in (1, 10, 100)}
        one, ten = driver.run_group(
            "scale 10x", [self.check("scale 1x: check .", ["."], roots[1]),
                          self.check("scale 10x: check .", ["."], roots[10])],
            self.runs, warmup=0, budget_s=SCALE_BUDGET_S)
        slope10 = ratio_of(ten, one)
        self.record(one, "baseline")
        self.record(ten, fmt("%.1f x 1x", slope10))
        cpu10 = ratio_of(ten, one, True)
        self.target("10x time / (10 x 1x time)", slope10 and slope10 / 10, "%.2f", None,
                    fmt("%.2f", cpu10 and cpu10 / 10))
        one_b, hundred = driver.run_group(
            "scale 100x", [self.check("scale 1x: check . (beside 100x)", ["."], roots[1]),
                           self.check("scale 100x: check .", ["."], roots[100])],
            self.runs, warmup=0, budget_s=SCALE_BUDGET_S)
        slope100, cpu100 = ratio_of(hundred, one_b), ratio_of(hundred, one_b, True)
        self.record(one_b, "baseline")
        self.record(hundred, fmt("%.1f x 1x", slope100))
        self.target("100x tree completes", "no" if hundred.failure else "yes", "%s",
                    lambda v: v == "yes")
        self.target("100x time <= %g x (100 x 1x time)" % TARGET_SCALE_SLOPE,
                    slope100 and slope100 / 100, "%.2f", lambda v: v <= TARGET_SCALE_SLOPE,
                    fmt("%.2f", cpu100 and cpu100 / 100))
        self.target("100x peak RSS < %d MiB" % TARGET_SCALE_RSS_MIB,
                    None if hundred.failure else hundred.rss_kib / 1024, "%.0f MiB",
                    lambda v: v < TARGET_SCALE_RSS_MIB)

    def case_callgrind(self, tmp):
        if not self.need("callgrind", "valgrind", "rg"):
            return
        # PCRE2's JIT code is opaque to valgrind; the variable asks
        # shardlint for the interpreter (ignored by a build without it).
        env = dict(os.environ, SHARDLINT_NO_JIT="1")
        runs = [("shardlint check " + HEADLINE, [self.shardlint, "check", HEADLINE]),
                ("yaml_floor (its config chain)", [self.yaml_floor] + list(HEADLINE_CHAIN)),
                ("rg -j1 (tuples of quoted names)", self.rg_step(SOURCE))]
        print("bench: callgrind", file=sys.stderr, flush=True)
        out = os.path.join(tmp, "callgrind.out")
        for label, argv in runs:
            if os.path.exists(out):
                os.remove(out)
            subprocess.run([self.tools["valgrind"], "--tool=callgrind",
                            "--callgrind-out-file=" + out] + argv, cwd=self.checkout, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.callgrind.append((label, callgrind_total(out)))
        ir = [v for _, v in self.callgrind]
        self.target("headline instructions / floor instructions (callgrind)",
                    ir[0] / (ir[1] + ir[2]) if all(ir) else None, "%.2f x", None)

    # -- report ---------------------------------------------------------

    def header(self):
        lines = ["# shardlint benchmark",
                 "",
                 "- date: %s" % datetime.datetime.now(datetime.timezone.utc)
                 .strftime("%Y-%m-%d %H:%M UTC"),
                 "- shardlint: %s (%s build)" % (git_rev(os.path.dirname(os.path.abspath(
                     __file__))), cmake_build_type(self.build)),
                 "- MaxText: commit %s" % git_commit(self.checkout),
                 "- machine: %s, %d cores, %s" % (cpu_model(), os.cpu_count(),
                                                  platform.platform()),
                 "- runs: %d per case after 1 warm-up, alternated with the case's baseline; "
                 "scale: no warm-up, and no new round after %d s" % (self.runs, SCALE_BUDGET_S),
                 "- each process capped at %d MiB of address space (BENCH_MEM_CAP_MIB)"
                 % driver.mem_cap_mib(),
                 "- tools: %s" % "; ".join(tool_version(p) for p in self.tools.values() if p)]
        return "\n".join(lines)

    def report(self):
        print(self.header())
        print("\n## Measurements (wall seconds; peak RSS: max over runs)\n")
        print("| case | runs | median s | min s | max s | median CPU s | peak RSS MiB "
              "| vs baseline | note |")
        print("|---|---|---|---|---|---|---|---|---|")
        for res, vs, note in self.measured:
            walls = res.walls
            cells = (["%.4f" % res.median(), "%.4f" % min(walls), "%.4f" % max(walls),
                      "%.4f" % res.cpu_median()] if walls else ["-"] * 4)
            print("| %s | %d | %s | %.1f | %s | %s |" % (res.command.name, len(walls),
                                                         " | ".join(cells), res.rss_kib / 1024,
                                                         vs, note))
        if self.callgrind:
            print("\n## Instructions (callgrind, headline case)\n")
            print("| program | instructions (Ir) |")
            print("|---|---|")
            for label, ir in self.callgrind:
                print("| %s | %s |" % (label, "{:,}".format(ir) if ir else "not measured"))
        print("\n## Targets (issue 7)\n")
        print("| target | measured | from CPU times | result |")
        print("|---|---|---|---|")
        for row in self.targets:
            print("| %s | %s | %s | %s |" % row)
        for s in self.skipped:
            print("\nskipped: " + s)


def ratio_of(a, b, cpu=False):
    """a's time over b's, per round; None when either did not complete."""
    return None if a.failure or b.failure else driver.ratio(a, b, cpu)


def fmt(form, value):
    return "-" if value is None else form % value


def callgrind_total(path):
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(("summary:", "totals:")):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def git_rev(path):
    r = subprocess.run(["git", "-C", path, "describe", "--always", "--dirty"],
                       capture_output=True, text=True)
    return r.stdout.strip() if r.returncode == 0 else "unknown commit"


def git_commit(path):
    r = subprocess.run(["git", "-C", path, "rev-parse", "--short=9", "HEAD"],
                       capture_output=True, text=True)
    return r.stdout.strip() if r.returncode == 0 else "unknown"


def cmake_build_type(build):
    try:
        with open(os.path.join(build, "CMakeCache.txt")) as f:
            for line in f:
                if line.startswith("CMAKE_BUILD_TYPE:"):
                    return line.split("=", 1)[1].strip() or "default"
    except OSError:
        pass
    return "unknown"


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def tool_version(path):
    r = subprocess.run([path, "--version"], capture_output=True, text=True)
    first = (r.stdout or r.stderr).strip().splitlines()
    return first[0] if first else os.path.basename(path)


def main(argv):
    if len(argv) != 3:
        print("usage: bench.py MAXTEXT_CHECKOUT BUILD_DIR", file=sys.stderr)
        return 2
    checkout, build = (os.path.abspath(p) for p in argv[1:])
    for need in (os.path.join(checkout, CONFIGS, "base.yml"), os.path.join(checkout, HEADLINE),
                 os.path.join(build, "shardlint"), os.path.join(build, "yaml_floor")):
        if not os.path.exists(need):
            print("bench: %s not found" % need, file=sys.stderr)
            return 2
    driver.cap_processes()
    bench = Bench(checkout, build)
    with tempfile.TemporaryDirectory(prefix="shardlint-bench-") as tmp:
        bench.case_tree()
        bench.case_headline()
        bench.case_hostile(tmp)
        bench.case_scale(tmp)
        bench.case_callgrind(tmp)
    bench.report()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
