"""Organisation units: the units file, its tree, roll-up of respondents to every level, response rates.

A units file is a CSV or XLSX table with one row per unit:

========== ============================================================================================
column     meaning
========== ============================================================================================
code       the unit's code, as respondents carry it in the unit variable (text; ``0042`` stays ``0042``)
name       the unit's name; or ``name_nb`` / ``name_en`` (any ``name_<lang>``); default: the code
parent     the code of the unit it belongs to; empty for a top unit
headcount  employees in the unit *including all its subunits* (optional; empty: summed from subunits)
========== ============================================================================================

Decisions (stated here because they change numbers):

* **Roots.** One row with an empty ``parent`` is the organisation. Several such rows make a forest; an
  implicit organisation root with code :data:`IMPLICIT_ROOT` is then added above them, so that every
  respondent counts at one top level. No root at all can only happen through a cycle, reported as such.
* **Headcount.** A given headcount is the unit's total, subunits included. A unit without one gets the
  sum of its subunits' headcounts (``headcount_source == "subunits"``) when every subunit has one (given
  or summed), else it stays missing. A rate above 100 % is kept and flagged, never capped.
* **Respondents** count in their own unit and every unit above it.

All problems of a file are reported at once (:class:`~surveykit.errors.DataError`), each naming the file,
the line, the column and the value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

from surveykit.data.fileio import read_data
from surveykit.errors import DataError, Problem
from surveykit.jsonsafe import to_jsonable
from surveykit.stats.parallel import map_columns

IMPLICIT_ROOT = "(organisation)"
MAX_SHOWN = 10  # rows named per problem; the count says how many in all


def code_text(value) -> str | None:
    """A unit code as text: ``12``, ``12.0`` and ``"12"`` are all ``"12"``; missing is ``None``."""
    if value is None:
        return None
    if isinstance(value, (float, np.floating)):
        if math.isnan(value):
            return None
        if float(value).is_integer():
            return str(int(value))
        return repr(float(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    text = str(value).strip()
    return text or None


def _distinct_code_text(values) -> tuple[np.ndarray, list]:
    """Each respondent's position among the distinct values (-1 = missing) and those values as text.

    Converts each distinct value once (``pd.factorize``), so a million respondents cost one pass."""
    ids, uniques = pd.factorize(pd.Series(values), use_na_sentinel=True)
    return ids, [code_text(u) for u in uniques]


def codes_as_text(values) -> np.ndarray:
    """Vector version of :func:`code_text` for a respondent column: object array of str / None."""
    ids, text = _distinct_code_text(values)
    table = np.array(text + [None], dtype=object)
    return table[ids]  # -1 (missing) picks the trailing None


@dataclass(frozen=True)
class UnitTree:
    """An organisation as a tree of units, with index arrays for vectorised roll-up.

    Units are numbered ``0..n_units-1`` in a parent-before-child order (the root is 0).
    ``parent_index[i]`` is the parent's number (-1 for the root), ``level[i]`` the distance from the
    root (root 0). ``ancestor_at_level[i, L]`` is the number of unit ``i``'s ancestor at level ``L``
    (itself at its own level; -1 below its level). ``membership`` is the sparse 0/1 matrix with
    ``membership[i, j] = 1`` when ``j`` is ``i`` or one of its ancestors, so that
    ``membership.T @ own_counts`` gives every unit's count including all its descendants.
    """

    codes: tuple[str, ...]
    names: tuple[dict, ...]
    parent_index: np.ndarray
    level: np.ndarray
    headcount_given: np.ndarray  # float, NaN where the file gives none
    ancestor_at_level: np.ndarray
    membership: sparse.csr_matrix
    implicit_root: bool = False
    source: str | None = None
    _position: dict = field(default_factory=dict, repr=False, compare=False)

    # ------------------------------------------------------------------------------- structure
    @property
    def n_units(self) -> int:
        return len(self.codes)

    @property
    def depth(self) -> int:
        """Largest level (0 for an organisation of one unit)."""
        return int(self.level.max())

    @property
    def root(self) -> str:
        return self.codes[0]

    def index_of(self, code) -> int:
        key = code_text(code)
        if key not in self._position:
            raise KeyError(f"unit {code!r} is not in the units file")
        return self._position[key]

    def parent(self, code) -> str | None:
        p = self.parent_index[self.index_of(code)]
        return None if p < 0 else self.codes[p]

    def children(self, code) -> list[str]:
        i = self.index_of(code)
        return [self.codes[j] for j in np.flatnonzero(self.parent_index == i)]

    def ancestors(self, code) -> list[str]:
        """From the parent up to the root."""
        i = self.index_of(code)
        return [self.codes[j] for j in self.ancestor_at_level[i, : self.level[i]][::-1]]

    def level_of(self, code) -> int:
        return int(self.level[self.index_of(code)])

    def name(self, code, lang: str = "nb") -> str:
        names = self.names[self.index_of(code)]
        for key in (lang, "en", "nb", ""):
            if names.get(key):
                return names[key]
        return next(iter(names.values()), self.codes[self.index_of(code)]) if names else str(code)

    def units_at_level(self, level: int) -> list[str]:
        return [self.codes[i] for i in np.flatnonzero(self.level == level)]

    # ------------------------------------------------------------------------------- respondents
    def locate(self, unit_codes, *, file: str | None = None, column: str | None = None,
               header_rows: int = 1) -> np.ndarray:
        """Unit number of every respondent; :class:`DataError` listing every code not in the file.

        A missing unit code is also an error: a respondent must count somewhere (recode it to the
        root's code to keep such respondents in the organisation totals).
        """
        problems = respondent_unit_problems(self, unit_codes, file=file, column=column,
                                            header_rows=header_rows)
        if problems:
            raise DataError(f"{file or 'data'}: respondents in units the units file does not have", problems)
        ids, text = _distinct_code_text(unit_codes)
        lookup = np.array([self._position.get(t, -1) for t in text] + [-1], dtype=np.int64)
        return lookup[ids]

    def own_counts(self, unit_index: np.ndarray) -> np.ndarray:
        """Respondents whose own unit is each unit (no roll-up)."""
        return np.bincount(unit_index, minlength=self.n_units).astype(np.int64)

    def rollup(self, own: np.ndarray) -> np.ndarray:
        """Totals including all descendants, from per-unit own totals (vector or units x k matrix)."""
        return np.asarray(self.membership.T @ own)

    def rolled_counts(self, unit_index: np.ndarray) -> np.ndarray:
        """Respondents in each unit or any unit below it, all units at once."""
        return self.rollup(self.own_counts(unit_index)).astype(np.int64)

    def _centred_sums(self, unit_index: np.ndarray, columns):
        """Rolled-up n, sum and sum of squares of ``x - shift`` (shift = the column's mean), units x k.

        Column by column, each statistic one ``bincount`` over the respondents' unit numbers (the
        units' own sums), then rolled up the tree; columns on two threads when long. Centring on the
        column mean keeps the variance ``(c2 - c1**2/n)/(n-1)`` accurate for values far from 0.
        """
        n_units = self.n_units

        def sums(x):
            x = np.asarray(x, dtype="float64")
            ok = ~np.isnan(x)
            count = int(ok.sum())
            shift = float(np.where(ok, x, 0.0).sum() / max(count, 1))
            d = np.where(ok, x - shift, 0.0)
            return (np.bincount(unit_index, weights=ok, minlength=n_units),
                    np.bincount(unit_index, weights=d, minlength=n_units),
                    np.bincount(unit_index, weights=d * d, minlength=n_units), shift)

        if isinstance(columns, np.ndarray) and columns.ndim == 1:
            columns = [columns]
        elif isinstance(columns, np.ndarray):
            columns = list(columns.T)
        own = map_columns(sums, columns, len(unit_index))
        if not own:
            empty = np.zeros((n_units, 0))
            return empty, empty, empty, np.zeros(0)
        n, c1, c2 = (self.rollup(np.column_stack([o[s] for o in own])) for s in range(3))
        return n, c1, c2, np.array([o[3] for o in own])

    def unit_moments(self, unit_index: np.ndarray, columns):
        """n, mean and variance (n - 1 denominator) of each column for every unit.

        ``columns``: a respondents x k array or a list of k respondent-long arrays (NaN = missing);
        each unit counts its own respondents and all below it. Returns three units x k arrays; the
        variance is NaN where n < 2.
        """
        n, c1, c2, shift = self._centred_sums(unit_index, columns)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = shift + c1 / n
            ss = c2 - c1 * c1 / n
            var = np.where(n > 1, np.maximum(ss, 0.0) / (n - 1), np.nan)
        return n.astype(np.int64), mean, var

    def table(self) -> pd.DataFrame:
        return pd.DataFrame({
            "code": list(self.codes),
            "name": [self.name(c) for c in self.codes],
            "parent": [None if p < 0 else self.codes[p] for p in self.parent_index],
            "level": self.level,
            "headcount": self.headcount_given,
        })

    def summary(self) -> str:
        counts = np.bincount(self.level)
        lines = [f"Organisation {self.name(self.root)} ({self.root}): {self.n_units} units, depth {self.depth}"]
        lines += [f"  level {lv}: {c} units" for lv, c in enumerate(counts)]
        if self.implicit_root:
            lines.append(f"  (several top units: an implicit root {IMPLICIT_ROOT!r} was added above them)")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {"root": self.root, "depth": self.depth, "implicit_root": self.implicit_root,
                "source": self.source, "units": to_jsonable(self.table())}


# ------------------------------------------------------------------------------------ building
def _problem(msg, path, raw, positions, column, values=()) -> Problem:
    lines = raw.line_of(positions) if raw is not None else [int(p) + 2 for p in positions]
    return Problem(msg, file=str(path), column=column, rows=tuple(lines[:MAX_SHOWN]), n_rows=len(lines),
                   values=tuple(str(v) for v in values)[:MAX_SHOWN])


def read_units(path: str | Path, respondent_units=None, *, data_file: str | None = None,
               unit_variable: str | None = None) -> UnitTree:
    """Read and validate a units file; optionally check respondents' unit codes in the same pass.

    Every problem (missing columns, duplicate or empty codes, unknown parents, cycles, headcounts that
    are not whole numbers >= 0, respondents' codes not in the file) is collected and raised together as
    one :class:`DataError`.

    Example
    -------
    >>> tree = read_units("units.csv")                                    # doctest: +SKIP
    >>> response_rates(tree, data["unit"])                                 # doctest: +SKIP
    """
    path = Path(path)
    raw = read_data(path, text_columns=("code", "parent"))
    frame = raw.frame
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    return build_tree(frame, source=str(path), raw=raw, respondent_units=respondent_units,
                      data_file=data_file, unit_variable=unit_variable)


def build_tree(frame: pd.DataFrame, *, source: str = "units", raw=None, respondent_units=None,
               data_file: str | None = None, unit_variable: str | None = None) -> UnitTree:
    """Validate a units table (columns as in the module docstring) and build its :class:`UnitTree`."""
    problems: list[Problem] = []
    name_cols = [c for c in frame.columns if c == "name" or c.startswith("name_")]
    missing = [c for c in ("code", "parent") if c not in frame.columns]
    if missing:
        raise DataError(f"{source}: not a units file", [Problem(
            f"missing column(s) {', '.join(missing)}; a units file has columns code, name (or name_nb, "
            "name_en), parent and headcount", file=source, values=tuple(map(str, frame.columns)))])
    codes = [code_text(v) for v in frame["code"].tolist()]
    parents = [code_text(v) for v in frame["parent"].tolist()]

    empty = [i for i, c in enumerate(codes) if c is None]
    if empty:
        problems.append(_problem("empty unit code", source, raw, empty, "code"))
    first: dict[str, int] = {}
    dup_rows: dict[str, list[int]] = {}
    for i, c in enumerate(codes):
        if c is None:
            continue
        if c in first:
            dup_rows.setdefault(c, [first[c]]).append(i)
        else:
            first[c] = i
    for c, rows in dup_rows.items():
        problems.append(_problem(f"unit code {c!r} appears {len(rows)} times", source, raw, rows, "code", [c]))
    if IMPLICIT_ROOT in first:
        problems.append(_problem(f"the code {IMPLICIT_ROOT!r} is reserved for the implicit organisation root",
                                 source, raw, [first[IMPLICIT_ROOT]], "code", [IMPLICIT_ROOT]))
    unknown = [i for i, p in enumerate(parents) if p is not None and p not in first]
    if unknown:
        vals = sorted({parents[i] for i in unknown})
        problems.append(_problem("parent is not a unit code in the file", source, raw, unknown, "parent", vals))
    selfp = [i for i, (c, p) in enumerate(zip(codes, parents)) if c is not None and c == p]
    if selfp:
        problems.append(_problem("unit is its own parent", source, raw, selfp, "parent",
                                 [codes[i] for i in selfp]))

    headcount = np.full(len(codes), np.nan)
    if "headcount" in frame.columns:
        bad = []
        for i, v in enumerate(frame["headcount"].tolist()):
            if v is None or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and not v.strip()):
                continue
            try:
                x = float(str(v).strip().replace(",", ".")) if isinstance(v, str) else float(v)
            except ValueError:
                bad.append((i, v))
                continue
            if not math.isfinite(x) or x < 0 or not x.is_integer():
                bad.append((i, v))
            else:
                headcount[i] = x
        if bad:
            problems.append(_problem("headcount must be a whole number of employees, 0 or more", source, raw,
                                     [i for i, _ in bad], "headcount", [v for _, v in bad]))

    # cycles: follow parents from every unit; a walk that revisits a unit without reaching a root.
    # Safe beside the other problems: an unknown parent ends a walk, a duplicate code keeps its first row.
    for cyc in _find_cycles(codes, parents):
        problems.append(_problem("units form a cycle (each is an ancestor of itself): "
                                 + " -> ".join(cyc + [cyc[0]]), source, raw,
                                 sorted(first[c] for c in cyc), "parent", cyc))

    if problems:
        extra = []
        if respondent_units is not None:
            known = set(first)
            extra = _unknown_code_problems(known, respondent_units, data_file, unit_variable, 1)
        raise DataError(f"{source}: the units file has {len(problems) + len(extra)} problem(s)", problems + extra)

    tree = _assemble(codes, parents, frame, name_cols, headcount, source)
    if respondent_units is not None:
        extra = respondent_unit_problems(tree, respondent_units, file=data_file, column=unit_variable)
        if extra:
            raise DataError(f"{data_file or 'data'}: respondents in units the units file does not have", extra)
    return tree


def _find_cycles(codes, parents) -> list[list[str]]:
    parent_of = {c: p for c, p in zip(codes, parents) if c is not None}
    state: dict[str, int] = {}  # 1 = on the current walk, 2 = known to reach a root
    cycles = []
    for start in parent_of:
        walk = []
        node = start
        while node is not None and state.get(node) is None:
            state[node] = 1
            walk.append(node)
            node = parent_of.get(node)
        if node is not None and state.get(node) == 1:  # walked into the current path: a new cycle
            cycles.append(walk[walk.index(node):])
        for w in walk:
            state[w] = 2
    return cycles


def _assemble(codes, parents, frame, name_cols, headcount, source) -> UnitTree:
    roots = [i for i, p in enumerate(parents) if p is None]
    implicit = len(roots) > 1
    if implicit:
        codes = [IMPLICIT_ROOT] + codes
        parents = [None] + [IMPLICIT_ROOT if p is None else p for p in parents]
        headcount = np.concatenate([[np.nan], headcount])
        names = [{"nb": "Hele organisasjonen", "en": "Whole organisation"}]
    else:
        names = []
    # names per language: column "name" -> key "", "name_nb" -> "nb"; empty cells left out
    columns = {("" if col == "name" else col[5:]): frame[col].tolist() for col in name_cols}
    for r in range(len(frame)):
        names.append({lang: str(values[r]).strip() for lang, values in columns.items()
                      if code_text(values[r]) is not None})
    # parent-before-child order by breadth-first walk from the root
    children: dict[str | None, list[int]] = {}
    for i, p in enumerate(parents):
        children.setdefault(p, []).append(i)
    order = []
    queue = children.get(None, [])
    while queue:
        order.extend(queue)
        queue = [j for i in queue for j in children.get(codes[i], [])]
    position = {codes[i]: k for k, i in enumerate(order)}
    n = len(order)
    parent_index = np.array([-1 if parents[i] is None else position[parents[i]] for i in order], dtype=np.int64)
    level = np.zeros(n, dtype=np.int64)
    for k in range(1, n):  # parents come first, so one pass suffices
        level[k] = level[parent_index[k]] + 1
    depth = int(level.max())
    anc = np.full((n, depth + 1), -1, dtype=np.int64)
    anc[np.arange(n), level] = np.arange(n)
    for k in range(1, n):
        anc[k, : level[k]] = anc[parent_index[k], : level[k]]
    rows = np.repeat(np.arange(n), level + 1)
    cols = np.concatenate([anc[k, : level[k] + 1] for k in range(n)])  # self and ancestors, per unit
    membership = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    return UnitTree(
        codes=tuple(codes[i] for i in order),
        names=tuple(names[i] for i in order),
        parent_index=parent_index, level=level,
        headcount_given=headcount[order],
        ancestor_at_level=anc, membership=membership, implicit_root=implicit, source=source,
        _position=position,
    )


def _unknown_code_problems(known: set, unit_codes, file, column, header_rows) -> list[Problem]:
    ids, text = _distinct_code_text(unit_codes)
    is_missing = np.array([t is None for t in text] + [True], dtype=bool)[ids]
    unknown_u = np.array([t is not None and t not in known for t in text] + [False], dtype=bool)
    bad = unknown_u[ids]
    problems = []
    if bad.any():
        rows = np.flatnonzero(bad)
        vals = sorted({str(t) for t, flag in zip(text, unknown_u[:-1]) if flag})
        problems.append(Problem("unit code not in the units file", file=file, column=column,
                                rows=tuple(int(r) + header_rows + 1 for r in rows[:MAX_SHOWN]),
                                n_rows=len(rows), values=tuple(vals[:MAX_SHOWN])))
    if is_missing.any():
        rows = np.flatnonzero(is_missing)
        problems.append(Problem("no unit code (every respondent must belong to a unit)", file=file,
                                column=column, rows=tuple(int(r) + header_rows + 1 for r in rows[:MAX_SHOWN]),
                                n_rows=len(rows)))
    return problems


def respondent_unit_problems(tree: UnitTree, unit_codes, *, file=None, column=None, header_rows: int = 1):
    """Problems for respondents whose unit code is missing or not in the tree (file lines 1-based)."""
    return _unknown_code_problems(set(tree.codes), unit_codes, file, column, header_rows)


# ------------------------------------------------------------------------------ response rates
def effective_headcount(tree: UnitTree) -> tuple[np.ndarray, np.ndarray]:
    """Headcount per unit and where it came from: ``"given"``, ``"subunits"`` (summed) or ``"missing"``.

    Bottom-up: a unit without a given headcount takes the sum of its children's headcounts when all
    of them have one; a leaf without one stays missing.
    """
    hc = tree.headcount_given.copy()
    source = np.where(np.isnan(hc), "missing", "given").astype(object)
    for k in range(tree.n_units - 1, -1, -1):  # children come after parents: reverse order is bottom-up
        if not np.isnan(hc[k]):
            continue
        kids = np.flatnonzero(tree.parent_index == k)
        if len(kids) and not np.isnan(hc[kids]).any():
            hc[k] = hc[kids].sum()
            source[k] = "subunits"
    return hc, source


def response_rates(tree: UnitTree, unit_codes, *, file: str | None = None,
                   column: str | None = None) -> pd.DataFrame:
    """Response rate of every unit at every level: respondents (own unit and all below) / headcount.

    rate = respondents / headcount, where respondents include all descendants and the headcount is
    the given one or the sum of the subunits' (column ``headcount_source``). ``over_100`` flags a
    rate above 100 % (a headcount that is out of date, or respondents who chose the wrong unit).

    Example
    -------
    >>> response_rates(tree, df["unit"]).loc["OFF01", "rate"]   # doctest: +SKIP
    """
    index = tree.locate(unit_codes, file=file, column=column)
    own = tree.own_counts(index)
    rolled = tree.rolled_counts(index)
    hc, src = effective_headcount(tree)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(hc > 0, rolled / np.where(hc > 0, hc, 1.0), np.nan)
    out = pd.DataFrame({
        "name": [tree.name(c) for c in tree.codes],
        "parent": [None if p < 0 else tree.codes[p] for p in tree.parent_index],
        "level": tree.level,
        "respondents_own": own,
        "respondents": rolled,
        "headcount": hc,
        "headcount_source": src,
        "rate": rate,
        "over_100": rate > 1.0,
    }, index=pd.Index(list(tree.codes), name="code"))
    return out
