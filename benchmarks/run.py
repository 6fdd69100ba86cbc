"""Benchmark: `surveykit run` against the pandas read floor and a plain pandas/pingouin/statsmodels script.

    make bench                          # N = 383, 10,000, 100,000 and 1,000,000
    .venv/bin/python benchmarks/run.py --quick              # skip N = 1,000,000
    .venv/bin/python benchmarks/run.py --sizes 383 10000 --repeats 5

For each N the data are simulated once with ``surveykit simulate <questionnaire> --n N --seed 1`` into
benchmarks/data/ (git-ignored; reused when present). Every timed command is a fresh process, measured
from outside: wall time with a monotonic clock around the child, peak memory (maximum resident set size)
by ``/usr/bin/time -v`` (Debian package ``time``: ``apt-get install -y time``), or, without it, by
``resource.getrusage(RUSAGE_CHILDREN)`` in a small wrapper process that runs only that child.
Each figure is the median of ``--repeats`` runs (``--repeats-large``, also 3 by default, at N >= 1,000,000; the reference
script runs once there). Runs are interleaved (floor, surveykit, reference, then again) so that load
from other processes on a shared machine spreads over all of them.

Columns
  floor       pandas.read_csv of the file, timed inside the process (the read alone, no imports)
  surveykit   ``surveykit run <questionnaire> <data> --quiet --out <tmp>``: every stage and the report
              (falls back to the analysis alone, ``pipeline.build_results``, when the report cannot be
              imported, and says so)
  reference   benchmarks/reference_analysis.py: the same plan with pandas + pingouin + statsmodels +
              factor_analyzer, one call per outcome x group (analysis only, no report)
  imports     ``python -c "import pandas, pingouin, statsmodels.api, factor_analyzer, matplotlib.pyplot"``
              (the cold-start yardstick for N = 383)

Targets (issue 9; figures, never timed assertions in tests): at N = 1,000,000 surveykit <= 10 x floor,
>= 5 x faster than the reference, peak memory < 3 GB; at N = 383 surveykit <= 2 x imports.
Results are printed as a Markdown table and saved to benchmarks/results/ (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
DATA = BENCH / "data"
RESULTS = BENCH / "results"
PYTHON = sys.executable
SURVEYKIT = [PYTHON, "-m", "surveykit"]
QUESTIONNAIRE = "questionnaires/schick2012.yaml"
SIZES = [383, 10_000, 100_000, 1_000_000]
LARGE = 1_000_000
GB = 1024**3

IMPORTS = "import pandas, pingouin, statsmodels.api, factor_analyzer, matplotlib.pyplot"
READ_FLOOR = ("import sys, time, pandas as pd; t = time.perf_counter(); pd.read_csv(sys.argv[1]); "
              "print('READ', time.perf_counter() - t)")
ANALYSIS_ONLY = ("import sys; from surveykit.spec.questionnaire import load_questionnaire; "
                 "from surveykit.data.prepare import load_and_recode; "
                 "from surveykit.pipeline.results import build_results; from surveykit.pipeline.settings import Settings; "
                 "q = load_questionnaire(sys.argv[1]); build_results(q, load_and_recode(q, sys.argv[2]), Settings())")


# ------------------------------------------------------------------------------------------ measuring
def _time_binary() -> str | None:
    path = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)
    if path is None:
        return None
    probe = subprocess.run([path, "-v", "true"], capture_output=True, text=True)
    return path if "Maximum resident set size" in probe.stderr else None


TIME_BIN = _time_binary()


def measure(cmd: list[str]) -> dict:
    """Run ``cmd`` once in a fresh process: wall seconds, peak RSS bytes, and its stdout."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    if TIME_BIN:
        full = [TIME_BIN, "-v", *cmd]
    else:  # a wrapper whose only child is cmd, so RUSAGE_CHILDREN is cmd's own peak
        full = [PYTHON, str(Path(__file__).resolve()), "--measure-child", "--", *cmd]
    start = time.perf_counter()
    proc = subprocess.run(full, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr[-3000:]}")
    peak = None
    for line in proc.stderr.splitlines():
        if "Maximum resident set size" in line:
            peak = int(line.split(":")[1]) * 1024  # kilobytes
        elif line.startswith("PEAK_RSS_KB "):
            peak = int(line.split()[1]) * 1024
    return {"wall": wall, "peak": peak, "stdout": proc.stdout}


def _measure_child(cmd: list[str]) -> int:
    import resource

    code = subprocess.run(cmd).returncode
    # ru_maxrss is in kilobytes on Linux (bytes on macOS)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"PEAK_RSS_KB {peak // 1024 if sys.platform == 'darwin' else peak}", file=sys.stderr)
    return code


# ------------------------------------------------------------------------------------------ setup
def full_run_works(path: Path) -> bool:
    """Whether `surveykit run` (with the report) completes on ``path``; if not, say why."""
    with tempfile.TemporaryDirectory(prefix="surveykit-bench-") as tmp:
        try:
            measure(commands(path, Path(tmp) / "report", True)["surveykit"])
            return True
        except RuntimeError as exc:
            print(f"note: `surveykit run` fails, timing the analysis alone (build_results):\n{exc}", flush=True)
            return False


def data_file(n: int) -> Path:
    path = DATA / f"schick2012_n{n}.csv"
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        print(f"simulating N = {n:,} into {path.relative_to(ROOT)} (once) ...", flush=True)
        tmp = path.with_suffix(".tmp.csv")
        subprocess.run([*SURVEYKIT, "simulate", QUESTIONNAIRE, "--n", str(n), "--seed", "1", "--out", str(tmp)],
                       cwd=ROOT, check=True, capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        tmp.rename(path)
    return path


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = int(line.split()[1]) * 1024
    except OSError:
        pass
    versions = subprocess.run(
        [PYTHON, "-c", "import numpy, pandas, scipy, statsmodels, pingouin, matplotlib; "
                       "print(' '.join(f'{m.__name__} {m.__version__}' for m in "
                       "(numpy, pandas, scipy, statsmodels, pingouin, matplotlib)))"],
        capture_output=True, text=True).stdout.strip()
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(mem / GB, 1) if mem else None,
            "os": platform.platform(), "python": platform.python_version(), "packages": versions,
            "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
            "peak_memory_by": "/usr/bin/time -v" if TIME_BIN else "getrusage(RUSAGE_CHILDREN)"}


# ------------------------------------------------------------------------------------------ benchmark
def commands(path: Path, out_dir: Path, full_run: bool) -> dict[str, list[str]]:
    surveykit = ([*SURVEYKIT, "run", QUESTIONNAIRE, str(path), "--quiet", "--out", str(out_dir)] if full_run
                 else [PYTHON, "-c", ANALYSIS_ONLY, QUESTIONNAIRE, str(path)])
    return {
        "floor": [PYTHON, "-c", READ_FLOOR, str(path)],
        "surveykit": surveykit,
        "reference": [PYTHON, str(BENCH / "reference_analysis.py"), QUESTIONNAIRE, str(path)],
    }


def bench_size(n: int, repeats: int, full_run: bool, skip_reference: bool) -> dict:
    path = data_file(n)
    runs: dict[str, list[dict]] = {"floor": [], "surveykit": [], "reference": []}
    with tempfile.TemporaryDirectory(prefix="surveykit-bench-") as tmp:
        cmds = commands(path, Path(tmp) / "report", full_run)
        for i in range(repeats):
            for name, cmd in cmds.items():
                if name == "reference" and (skip_reference or (n >= LARGE and i > 0)):
                    continue  # the reference takes minutes at 1M: once is enough
                res = measure(cmd)
                if name == "floor":
                    res["read"] = float(res["stdout"].split("READ")[1].split()[0])
                runs[name].append(res)
                print(f"  N={n:>9,}  {name:<9} run {i + 1}: {res['wall']:7.2f} s"
                      + (f"  (read {res['read']:.2f} s)" if name == "floor" else "")
                      + (f"  peak {res['peak'] / GB:.2f} GB" if res["peak"] else ""), flush=True)
    med = lambda xs: statistics.median(xs) if xs else None  # noqa: E731
    return {
        "n": n, "file_mb": path.stat().st_size / 1e6,
        "floor": med([r["read"] for r in runs["floor"]]),
        "floor_process": med([r["wall"] for r in runs["floor"]]),
        "surveykit": med([r["wall"] for r in runs["surveykit"]]),
        "surveykit_peak": max(r["peak"] or 0 for r in runs["surveykit"]) or None,
        "reference": med([r["wall"] for r in runs["reference"]]),
        "reference_peak": max((r["peak"] or 0 for r in runs["reference"]), default=0) or None,
        "runs": {k: [{"wall": r["wall"], "peak": r["peak"]} for r in v] for k, v in runs.items()},
    }


def _fmt(x, spec=".2f", suffix=" s") -> str:
    return "–" if x is None else f"{x:{spec}}{suffix}"


def table(rows: list[dict], imports: float | None, full_run: bool) -> str:
    what = "`surveykit run` (all stages + report)" if full_run else \
        "surveykit analysis only (`build_results`; the report could not be imported)"
    lines = [
        f"surveykit column: {what}.",
        "",
        "| N | CSV | pandas read (floor) | surveykit | peak mem | reference script | ref. peak mem "
        "| surveykit / floor | reference / surveykit |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        ratio_floor = r["surveykit"] / r["floor"] if r["floor"] else None
        speedup = r["reference"] / r["surveykit"] if r["reference"] else None
        lines.append(
            f"| {r['n']:,} | {r['file_mb']:.0f} MB | {_fmt(r['floor'])} | {_fmt(r['surveykit'])} "
            f"| {_fmt(r['surveykit_peak'] and r['surveykit_peak'] / GB, '.2f', ' GB')} | {_fmt(r['reference'])} "
            f"| {_fmt(r['reference_peak'] and r['reference_peak'] / GB, '.2f', ' GB')} "
            f"| {_fmt(ratio_floor, '.1f', '×')} | {_fmt(speedup, '.1f', '×')} |")
    if imports is not None:
        lines += ["", f"Cold-start yardstick `python -c \"{IMPORTS}\"`: {imports:.2f} s."]
    return "\n".join(lines)


def targets(rows: list[dict], imports: float | None, full_run: bool) -> list[str]:
    out = []
    by_n = {r["n"]: r for r in rows}
    big = by_n.get(LARGE)
    if big:
        ratio = big["surveykit"] / big["floor"]
        out.append(f"N = 1,000,000: surveykit / floor = {ratio:.1f} (target <= 10): {'MET' if ratio <= 10 else 'NOT MET'}")
        if big["reference"]:
            speed = big["reference"] / big["surveykit"]
            out.append(f"N = 1,000,000: reference / surveykit = {speed:.1f} (target >= 5): "
                       f"{'MET' if speed >= 5 else 'NOT MET'}")
        if big["surveykit_peak"]:
            peak = big["surveykit_peak"] / GB
            out.append(f"N = 1,000,000: peak memory {peak:.2f} GB (target < 3 GB): {'MET' if peak < 3 else 'NOT MET'}")
    small = by_n.get(383)
    if small and imports:
        ratio = small["surveykit"] / imports
        out.append(f"N = 383: surveykit / imports = {ratio:.1f} (target <= 2): {'MET' if ratio <= 2 else 'NOT MET'}")
    if not full_run:
        out.append("(surveykit timed WITHOUT the report: the targets ask for the full run)")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=SIZES)
    parser.add_argument("--quick", action="store_true", help="skip N >= 1,000,000")
    parser.add_argument("--repeats", type=int, default=3, help="runs per command below N = 1,000,000 (median)")
    parser.add_argument("--repeats-large", type=int, default=3, help="runs per command at N >= 1,000,000")
    parser.add_argument("--no-reference", action="store_true", help="skip the reference script")
    parser.add_argument("--analysis-only", action="store_true",
                        help="time pipeline.build_results instead of `surveykit run` (no report)")
    args = parser.parse_args(argv)

    sizes = [n for n in args.sizes if not (args.quick and n >= LARGE)]
    info = machine()
    print(f"machine: {info['cpu']}, {info['cores']} cores, {info['memory_gb']} GB; Python {info['python']}; "
          f"load average {info['load_average']}", flush=True)
    if not TIME_BIN:
        print("note: /usr/bin/time -v not found (apt-get install -y time); peak memory by getrusage", flush=True)

    # one unmeasured run first, so that byte-code and matplotlib's font cache exist (as after installing)
    warm = data_file(383)
    full_run = not args.analysis_only and full_run_works(warm)
    with tempfile.TemporaryDirectory(prefix="surveykit-bench-") as tmp:
        for cmd in commands(warm, Path(tmp) / "report", full_run).values():
            measure(cmd)
    imports = statistics.median(measure([PYTHON, "-c", IMPORTS])["wall"] for _ in range(args.repeats)) \
        if 383 in sizes else None

    rows = []
    for n in sizes:
        repeats = args.repeats_large if n >= LARGE else args.repeats
        rows.append(bench_size(n, repeats, full_run, args.no_reference))

    text = table(rows, imports, full_run)
    verdicts = targets(rows, imports, full_run)
    print("\n" + text + "\n\n" + "\n".join(verdicts))
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS / f"bench-{stamp}.json").write_text(json.dumps(
        {"machine": info, "full_run": full_run, "imports": imports, "rows": rows, "targets": verdicts},
        indent=2))
    (RESULTS / f"bench-{stamp}.md").write_text(
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory_gb']} GB RAM, {info['os']}, "
        f"Python {info['python']}; {info['packages']}\n\n{text}\n\n" + "\n".join(f"- {v}" for v in verdicts) + "\n")
    print(f"\nsaved benchmarks/results/bench-{stamp}.md and .json")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--measure-child":
        sys.exit(_measure_child(sys.argv[3:]))
    sys.exit(main())
