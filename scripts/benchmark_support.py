"""Shared by the benchmark scripts: checked runs, the machine's description, and the raw results file.

Every figure a script prints comes from a run whose exit status was 0 and whose output held what the figure is
read from; anything else stops the script (a failed run is no figure). Everything a run printed is kept, with
the machine's description, in benchmarks/results/<script>-<UTC time>-<commit>.txt, which BENCHMARKS.md cites.
"""
import datetime
import os
import platform
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS = os.path.join(ROOT, "benchmarks", "results")


def _output(*args):
    try:
        return subprocess.run(args, capture_output=True, text=True, cwd=ROOT, timeout=60).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def machine():
    """The machine and code a figure was measured on, as `key: value` lines."""
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            model = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), model)
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    commit = _output("git", "rev-parse", "HEAD")
    dirty = _output("git", "status", "--porcelain", "--untracked-files=no")
    swift = _output("swift", "--version").splitlines()
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "nproc": str(os.cpu_count()),
        "cpu": model,
        "memory": f"{memory:.1f} GiB",
        "kernel": f"{platform.system()} {platform.release()}",
        "swift": swift[0] if swift else "unknown",
        "commit": commit + (" (with uncommitted changes)" if dirty and dirty != "unknown" else ""),
        "licna": os.environ.get("LICNA_BIN") or os.path.join(ROOT, ".build", "release", "licna"),
    }


class Results:
    """The raw results file of one script run."""

    def __init__(self, script, arguments=None):
        os.makedirs(RESULTS, exist_ok=True)
        self.machine = machine()
        stamp = self.machine["date"].replace(":", "").replace("-", "")
        self.path = os.path.join(RESULTS, f"{script}-{stamp}-{self.machine['commit'][:8]}.txt")
        self.file = open(self.path, "w", encoding="utf-8")
        self.file.write(f"# {script} {' '.join(arguments if arguments is not None else sys.argv[1:])}\n")
        for key, value in self.machine.items():
            self.file.write(f"# {key}: {value}\n")
        self.file.flush()
        print("machine: " + ", ".join(f"{k} {v}" for k, v in self.machine.items()), flush=True)
        print(f"raw results: {os.path.relpath(self.path, ROOT)}", file=sys.stderr, flush=True)

    def raw(self, label, text):
        self.file.write(f"\n## raw: {label}\n{text.rstrip()}\n")
        self.file.flush()

    def figure(self, text):
        """Prints a figure and keeps it in the results file."""
        print(text, flush=True)
        self.file.write(f"FIGURE {text}\n")
        self.file.flush()

    def fail(self, message):
        self.file.write(f"\nFAILED: {message}\n")
        self.file.close()
        sys.exit(f"benchmark failed, no figure: {message} (raw output in {os.path.relpath(self.path, ROOT)})")


def checked(results, label, args, expect=(), stdin=None, env=None, input=None, statuses=(0,), search_stderr=False):
    """Runs `args`; the run must exit with one of `statuses` (0) and its standard output must match every pattern of
    `expect` (with `search_stderr`: of standard output and error together). Returns the output and the first match of each pattern (its group 1 when it has one)."""
    process = subprocess.run(args, capture_output=True, text=input is not None or stdin is None, stdin=stdin, env=env, input=input)
    out = process.stdout if isinstance(process.stdout, str) else process.stdout.decode(errors="replace")
    err = process.stderr if isinstance(process.stderr, str) else process.stderr.decode(errors="replace")
    lines = out.splitlines()
    kept = out if len(lines) <= 200 else "\n".join(lines[:200]) + f"\n[… {len(lines) - 200} more lines not kept]"
    results.raw(f"{label}: {' '.join(map(str, args))} (exit {process.returncode})", kept + ("\n[stderr]\n" + err[-4000:] if err.strip() else ""))
    if process.returncode not in statuses:
        results.fail(f"{label}: exit status {process.returncode}: {err.strip()[-500:]}")
    found = []
    for pattern in expect:
        match = re.search(pattern, out + err if search_stderr else out)
        if not match:
            results.fail(f"{label}: the output does not hold {pattern!r}")
        found.append(match.group(1) if match.groups() else match.group(0))
    return out, found


if __name__ == "__main__":
    # For the shell scripts: `scripts/benchmark_support.py start NAME [ARGUMENTS…]` writes a results file's header
    # (the command and the machine) and prints its path on the last line; the script then appends its output to it.
    if len(sys.argv) < 3 or sys.argv[1] != "start":
        sys.exit("usage: scripts/benchmark_support.py start NAME [ARGUMENTS...]")
    started = Results(sys.argv[2], sys.argv[3:])
    started.file.close()
    print(started.path)
