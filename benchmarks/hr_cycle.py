"""Benchmark of the employee-survey cycle at scale (issue 16 item 8): 1,000,000 respondents x 2 waves.

    .venv/bin/python benchmarks/hr_cycle.py                        # N = 1,000,000, 1,000 offices, 50 areas
    .venv/bin/python benchmarks/hr_cycle.py --n 20000 --repeats 1
    .venv/bin/python benchmarks/hr_cycle.py --no-per-unit          # the organisation report only

Data: ``benchmarks/hr_cycle_data.py`` (generated once into the git-ignored benchmarks/data/): a units
file (one root, 50 areas, 1,000 offices with headcounts), two waves of the bundled MRS questionnaire's
columns and a variant of questionnaires/examples/mrs-participation.yaml pointing at them.

Timed, each in a fresh process and measured from outside with ``run.measure`` (wall clock around the
child, peak RSS by ``/usr/bin/time -v``), median of ``--repeats`` runs, interleaved:

  floor       pandas.read_csv of the current wave, timed inside the process (the read alone)
  run         ``surveykit run <variant yaml> --out <tmp> --quiet``: the organisation report with response
              rates, the change since the earlier wave, key drivers (1,000 bootstrap resamples),
              engagement and eNPS, plus everything else in the bundled plan
  per-unit    the same run with ``--per-unit all`` (a report for every unit: the issue's whole run);
              ``--no-per-unit`` skips it

``--timeout`` (seconds, default 900) stops a run that takes too long and records it as "> timeout"
rather than hanging ``make bench``. Targets (issue 16 item 8; figures, never assertions): the whole run
<= 3 minutes and < 6 GB peak memory; the organisation report alone <= 10 x the floor.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hr_cycle_data
import run as bench  # (measure(), machine(), READ_FLOOR, GB: one set of measuring helpers)

GB = bench.GB


def commands(yaml_path: Path, out_dir: Path, per_unit: bool) -> dict[str, list[str]]:
    wave = yaml_path.parent / f"wave{hr_cycle_data.WAVES[-1]}.csv"
    run = [*bench.SURVEYKIT, "run", str(yaml_path), "--out", str(out_dir), "--quiet"]
    cmds = {"floor": [bench.PYTHON, "-c", bench.READ_FLOOR, str(wave)], "run": run}
    if per_unit:
        cmds["per-unit"] = [*run, "--per-unit", "all"]
    return cmds


def measure(cmd: list[str], timeout: float) -> dict:
    """``run.measure`` with a time limit: a run over the limit is recorded with ``wall = None``."""
    if timeout <= 0:
        return bench.measure(cmd)
    wrapped = ["timeout", "--signal=TERM", str(int(timeout)), *cmd]
    try:
        return bench.measure(wrapped)
    except RuntimeError as exc:
        if "command failed (124)" in str(exc) or "command failed (143)" in str(exc):
            return {"wall": None, "peak": None, "stdout": "", "timed_out": True}
        raise


def bench_cycle(n: int, n_units: int, n_areas: int, repeats: int, per_unit: bool, timeout: float) -> dict:
    yaml_path = hr_cycle_data.ensure(n, n_units, n_areas)
    wave = yaml_path.parent / f"wave{hr_cycle_data.WAVES[-1]}.csv"
    runs: dict[str, list[dict]] = {}
    with tempfile.TemporaryDirectory(prefix="surveykit-bench-hr-") as tmp:
        for i in range(repeats):
            for name, cmd in commands(yaml_path, Path(tmp) / f"report{i}", per_unit).items():
                res = measure(cmd, timeout)
                if name == "floor":
                    res["read"] = float(res["stdout"].split("READ")[1].split()[0])
                runs.setdefault(name, []).append(res)
                shown = "> timeout" if res["wall"] is None else f"{res['wall']:7.2f} s"
                print(f"  N={n:>9,} x {len(hr_cycle_data.WAVES)} waves, {n_units:,} units  {name:<8} run {i + 1}: "
                      f"{shown}" + (f"  (read {res['read']:.2f} s)" if name == "floor" else "")
                      + (f"  peak {res['peak'] / GB:.2f} GB" if res.get("peak") else ""), flush=True)

    def med(xs):
        return None if not xs or any(x is None for x in xs) else statistics.median(xs)

    row = {"n": n, "units": n_units, "areas": n_areas, "waves": len(hr_cycle_data.WAVES),
           "file_mb": wave.stat().st_size / 1e6, "floor": med([r["read"] for r in runs["floor"]]),
           "timeout": timeout, "runs": {k: [{"wall": r["wall"], "peak": r["peak"]} for r in v] for k, v in runs.items()}}
    for name in ("run", "per-unit"):
        if name in runs:
            row[name] = med([r["wall"] for r in runs[name]])
            row[f"{name}_peak"] = max((r["peak"] or 0 for r in runs[name]), default=0) or None
    return row


def _fmt(x, spec=".2f", suffix=" s", missing="–") -> str:
    return missing if x is None else f"{x:{spec}}{suffix}"


def table(row: dict) -> str:
    over = f"> {row['timeout']:.0f} s"
    lines = ["| N per wave | units | waves | CSV | pandas read (floor) | run (org. report) | peak mem | run / floor |"
             + (" per-unit run | peak mem |" if "per-unit" in row else ""),
             "|---:|---:|---:|---:|---:|---:|---:|---:|" + ("---:|---:|" if "per-unit" in row else "")]
    ratio = row["run"] / row["floor"] if row.get("run") and row["floor"] else None
    line = (f"| {row['n']:,} | {row['units']:,} (+{row['areas']} areas) | {row['waves']} | {row['file_mb']:.0f} MB "
            f"| {_fmt(row['floor'])} | {_fmt(row.get('run'), missing=over)} "
            f"| {_fmt(row.get('run_peak') and row['run_peak'] / GB, '.2f', ' GB')} | {_fmt(ratio, '.1f', '×')} |")
    if "per-unit" in row:
        line += (f" {_fmt(row.get('per-unit'), missing=over)} "
                 f"| {_fmt(row.get('per-unit_peak') and row['per-unit_peak'] / GB, '.2f', ' GB')} |")
    return "\n".join(lines + [line])


def targets(row: dict) -> list[str]:
    out = []
    whole = row.get("per-unit", row.get("run"))
    what = "run with per-unit reports" if "per-unit" in row else "run (organisation report only)"
    peak = row.get("per-unit_peak") or row.get("run_peak")
    out.append(f"whole {what}: " + (f"{whole:.1f} s" if whole else f"> {row['timeout']:.0f} s (stopped)")
               + f" (target <= 180 s): {'MET' if whole and whole <= 180 else 'NOT MET'}")
    if peak:
        out.append(f"peak memory {peak / GB:.2f} GB (target < 6 GB): {'MET' if peak < 6 * GB else 'NOT MET'}")
    if row.get("run") and row["floor"]:
        ratio = row["run"] / row["floor"]
        out.append(f"organisation report / floor = {ratio:.1f} (target <= 10): {'MET' if ratio <= 10 else 'NOT MET'}")
    else:
        out.append("organisation report / floor: not measured (the run did not finish): NOT MET")
    if "per-unit" not in row:
        out.append("(per-unit reports not timed: pass --per-unit once `surveykit run --help` lists it)")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="respondents per wave")
    parser.add_argument("--units", type=int, default=1_000, help="offices")
    parser.add_argument("--areas", type=int, default=50, help="areas between the root and the offices")
    parser.add_argument("--repeats", type=int, default=3, help="runs per command (median)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds before a run is stopped (0: none)")
    parser.add_argument("--no-per-unit", action="store_true",
                        help="do not time `surveykit run ... --per-unit all` (the whole run with a report per unit)")
    args = parser.parse_args(argv)

    per_unit = not args.no_per_unit
    info = bench.machine()
    print(f"machine: {info['cpu']}, {info['cores']} cores, {info['memory_gb']} GB; Python {info['python']}; "
          f"load average {info['load_average']}", flush=True)
    row = bench_cycle(args.n, args.units, args.areas, args.repeats, per_unit, args.timeout)
    text, verdicts = table(row), targets(row)
    print("\n" + text + "\n\n" + "\n".join(verdicts))
    bench.RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (bench.RESULTS / f"hr-cycle-{stamp}.json").write_text(json.dumps(
        {"machine": info, "row": row, "targets": verdicts}, indent=2))
    (bench.RESULTS / f"hr-cycle-{stamp}.md").write_text(
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory_gb']} GB RAM, {info['os']}, "
        f"Python {info['python']}; {info['packages']}\n\n{text}\n\n" + "\n".join(f"- {v}" for v in verdicts) + "\n")
    print(f"\nsaved benchmarks/results/hr-cycle-{stamp}.md and .json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
