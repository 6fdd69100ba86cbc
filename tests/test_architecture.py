"""docs/architecture.md names every module of the package, so the map of the code cannot drift."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_every_module_is_on_the_architecture_page():
    doc = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing = []
    for f in sorted((REPO / "surveykit").rglob("*.py")):
        if f.name in ("__init__.py", "__main__.py"):
            continue
        if f"`{f.name}`" not in doc and f"`{f.stem}`" not in doc:
            missing.append(str(f.relative_to(REPO)))
    assert missing == []


def test_every_subpackage_is_on_the_architecture_page():
    doc = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    packages = [p.name for p in (REPO / "surveykit").iterdir() if (p / "__init__.py").is_file()]
    assert [p for p in packages if f"`{p}/`" not in doc] == []
