"""The replication table: published values beside the reproduced ones, found by path in the results."""

from __future__ import annotations

from typing import Any

from surveykit.pipeline.records import plain_code
from surveykit.spec.questionnaire import Questionnaire


# ------------------------------------------------------------------------------------------ replication
def resolve_path(results: dict, path: str, _cache: dict | None = None) -> Any:
    """Follow a dotted path with optional [k=v,...] selectors (see docs/results-json.md).

    ``_cache`` memoises selector look-ups when many paths are resolved in the same results.
    """
    node: Any = results
    for segment in _split_path(path):
        name, selector = segment, None
        if segment.endswith("]") and "[" in segment:
            name, selector = segment[:-1].split("[", 1)
        if name:
            if isinstance(node, dict):
                if name not in node:
                    raise KeyError(f"no key {name!r}")
                node = node[name]
            elif isinstance(node, list) and name.isdigit() and int(name) < len(node):
                node = node[int(name)]
            else:
                raise KeyError(f"cannot take {name!r}")
        if selector is not None:
            key = (id(node), selector)
            if _cache is not None and key in _cache:
                matches = _cache[key]
            else:
                wanted = dict(part.split("=", 1) for part in selector.split(","))
                candidates = node if isinstance(node, list) else list(node.values()) if isinstance(node, dict) else []
                matches = [c for c in candidates if isinstance(c, dict)
                           and all(str(plain_code(c.get(k))) == v for k, v in wanted.items())]
                if _cache is not None:
                    _cache[key] = matches
            if len(matches) != 1:
                raise KeyError(f"{len(matches)} entries match [{selector}]")
            node = matches[0]
    return node


def _split_path(path: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in path:
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        if char == "." and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return parts


def replication_records(results: dict, q: Questionnaire) -> list[dict]:
    """The questionnaire's published values beside the reproduced ones."""
    return replication_table(results, q.published)


def replication_table(results: dict, published) -> list[dict]:
    """One record per published value (``table``, ``quantity``, ``path``, ``value``, ``tolerance``): the
    value found at ``path`` in the results, the difference, and whether it is within the tolerance."""
    out, cache = [], {}
    for pv in published:
        try:
            value = resolve_path(results, pv.path, cache)
            reproduced = float(value) if value is not None else None
            note = None
            if value is None and "." in pv.path:  # a value the results leave out on purpose says why
                parent, leaf = pv.path.rsplit(".", 1)
                record = resolve_path(results, parent, cache)
                note = (record.get("not_shown") or {}).get(leaf) if isinstance(record, dict) else None
        except (KeyError, TypeError, ValueError) as exc:
            reproduced, note = None, f"not in results: {exc}"
        diff = None if reproduced is None else reproduced - pv.value
        out.append({"table": pv.table, "quantity": pv.quantity, "path": pv.path, "published": pv.value,
                    "reproduced": reproduced, "difference": diff, "tolerance": pv.tolerance,
                    "within": None if diff is None else bool(abs(diff) <= pv.tolerance + 1e-12),
                    **({"note": note} if note else {})})
    return out


