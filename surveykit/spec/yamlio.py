"""Safe YAML loading that remembers where every key and list entry stood in the file.

PyYAML's ``SafeLoader`` builds only plain Python objects (no object construction from tags). On top of it
this loader rejects duplicate keys, which YAML allows silently and which would hide a user's mistake, and
records line numbers so that schema errors can name the line of the offending value.

Input is bounded: only a regular file of at most :data:`MAX_BYTES` is read (a device such as ``/dev/zero``
or a named pipe would be read forever), and nodes nested deeper than :data:`MAX_DEPTH` are refused before
any Python object is built from them (building them recursively would exhaust the interpreter's stack).
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml

from surveykit.errors import Problem, SpecError

MAX_BYTES = 5_000_000  # the Schick questionnaire, with every published value, is 150 kB
MAX_DEPTH = 50  # mappings and lists nested in one another; a questionnaire needs about 8


class LineDict(dict):
    """A dict that knows the line of each of its keys (1-based) and of itself."""

    line: int = 0
    key_lines: dict


class LineList(list):
    """A list that knows the line of each of its entries (1-based) and of itself."""

    line: int = 0
    item_lines: list


class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when present: 10x faster
    """SafeLoader that records lines and collects duplicate keys instead of overwriting."""

    def __init__(self, stream):
        super().__init__(stream)
        self.duplicates: list[tuple[str, int]] = []


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode, deep: bool = False) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "found an unhashable key", key_node.start_mark
            ) from None
        if key in result:
            loader.duplicates.append((str(key), key_node.start_mark.line + 1))
            continue
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = value_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode, deep: bool = False) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(path: str | Path) -> Any:
    """Load a YAML file safely, with line numbers; raise :class:`SpecError` naming file and line."""
    path = Path(path)
    data = _read_bounded(path)
    data = data.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 byte-order mark, as Windows editors write it
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SpecError(
            f"{path}: the questionnaire is not UTF-8 text; save it as UTF-8",
            [Problem(f"byte 0x{data[exc.start]:02x} (column {column}) is not valid UTF-8", file=str(path), line=line)],
        ) from None
    if not text.strip():
        raise SpecError(f"{path}: the questionnaire file is empty")
    return load_yaml_text(text, str(path))


def _read_bounded(path: Path) -> bytes:
    """The bytes of a regular file of at most MAX_BYTES. The type is checked before the file is opened
    (opening a named pipe waits for a writer), and the read stops after MAX_BYTES + 1 bytes in any case."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise SpecError(f"{path}: questionnaire file not found") from None
    except OSError as exc:
        raise SpecError(f"{path}: cannot read the questionnaire ({exc.strerror})") from None
    if stat.S_ISDIR(info.st_mode):
        raise SpecError(f"{path}: is a folder, not a questionnaire file")
    if not stat.S_ISREG(info.st_mode):
        kind = ("a named pipe (FIFO)" if stat.S_ISFIFO(info.st_mode) else
                "a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode) else
                "a socket" if stat.S_ISSOCK(info.st_mode) else "not a regular file")
        raise SpecError(f"{path}: is {kind}, not a questionnaire file; give the path of a YAML file")
    if info.st_size > MAX_BYTES:
        raise SpecError(_too_large(path, info.st_size))
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise SpecError(f"{path}: cannot read the questionnaire ({exc.strerror})") from None
    if len(data) > MAX_BYTES:  # the file grew after stat
        raise SpecError(_too_large(path, None))
    return data


def _too_large(path: Path, size: int | None) -> str:
    shown = f" ({size:,} bytes)" if size is not None else ""
    return (f"{path}: the questionnaire file is too large{shown}; at most {MAX_BYTES:,} bytes are read "
            "(a questionnaire is usually well under 1 MB)")


def _deepest(node: yaml.Node) -> tuple[int, yaml.Node]:
    """The nesting depth of a composed YAML node and its first node at MAX_DEPTH + 1, found without
    recursion (depth-first with an explicit stack); stops at the first node too deep."""
    stack = [(node, 1)]
    seen: set[int] = set()
    deepest = 1
    while stack:
        current, depth = stack.pop()
        if depth > MAX_DEPTH:
            return depth, current
        deepest = max(deepest, depth)
        if id(current) in seen:  # an alias points to a node already visited
            continue
        seen.add(id(current))
        if isinstance(current, yaml.MappingNode):
            stack.extend((child, depth + 1) for pair in current.value for child in pair)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in current.value)
    return deepest, node


def load_yaml_text(text: str, filename: str = "<string>") -> Any:
    loader = _LineLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        depth, deep = _deepest(node)
        if depth > MAX_DEPTH:
            raise SpecError(
                f"{filename}: the questionnaire nests lists and mappings more than {MAX_DEPTH} levels deep",
                [Problem(f"nesting deeper than {MAX_DEPTH} levels starts here (a questionnaire needs fewer than 10)",
                         file=filename, line=deep.start_mark.line + 1)],
            )
        data = loader.construct_document(node)
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        tag = re.search(r"tag '([^']*)'", str(exc.problem or ""))
        if tag:
            # e.g. !!python/object/apply:os.system -- a questionnaire is plain data and never builds objects
            shown = tag.group(1).replace("tag:yaml.org,2002:", "!!")
            raise SpecError(
                f"{filename}: YAML tag {shown!r} is not allowed (a questionnaire holds plain data only)",
                [Problem("remove the tag; only mappings, lists, text, numbers, true/false and null are allowed",
                         file=filename, line=line)],
            ) from None
        raise SpecError(
            f"{filename}: the questionnaire is not valid YAML",
            [Problem(f"YAML error: {exc.problem}", file=filename, line=line)],
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        reason = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        lines = text.splitlines()
        if mark is not None and mark.line < len(lines) and "\t" in lines[mark.line][: mark.column + 1]:
            reason += " (a tab character: indent YAML with spaces)"
        raise SpecError(
            f"{filename}: the questionnaire is not valid YAML",
            [Problem(f"YAML syntax error: {reason}", file=filename, line=line)],
        ) from None
    except yaml.YAMLError as exc:
        raise SpecError(f"{filename}: YAML error: {exc}") from None
    finally:
        loader.dispose()
    if loader.duplicates:
        problems = [Problem(f"duplicate key {k!r}", file=filename, line=ln) for k, ln in loader.duplicates]
        raise SpecError(f"{filename}: {len(problems)} duplicate key(s) in the YAML", problems)
    return data


def line_of(data: Any, loc: tuple) -> int | None:
    """The line of the deepest node on path ``loc`` (a pydantic error location) that exists in ``data``."""
    line = getattr(data, "line", None) or None
    node = data
    for part in loc:
        if isinstance(node, LineDict) and part in node:
            line = node.key_lines.get(part, line)
            node = node[part]
        elif isinstance(node, LineDict) and str(part) in {str(k) for k in node}:
            key = next(k for k in node if str(k) == str(part))
            line = node.key_lines.get(key, line)
            node = node[key]
        elif isinstance(node, LineList) and isinstance(part, int) and 0 <= part < len(node):
            line = node.item_lines[part]
            node = node[part]
        else:
            # pydantic adds names of union members or model tags to the location; skip those
            continue
    return line


# which kind of YAML: read by the command before any loader (and before the scorecard package is imported)
MAX_SNIFF_BYTES = 5_000_000


def is_scorecard_yaml(path: str | Path) -> bool:
    """True when the YAML file is a mapping with a top-level ``scorecard`` key (a cheap textual check, so a
    broken questionnaire still gets the questionnaire loader's messages)."""
    try:
        if not Path(path).is_file():  # a device or pipe (/dev/zero) is never read: the loaders refuse it
            return False
        with open(path, "rb") as handle:
            head = handle.read(MAX_SNIFF_BYTES)  # bounded: the loaders refuse larger files themselves
    except OSError:
        return False
    text = head.decode("utf-8-sig", errors="replace")
    return any(line.startswith("scorecard:") for line in text.splitlines())
