"""Every bundled example's report speaks one language: the Norwegian (nb) report holds no English phrases and
the English (en) report no Norwegian ones, apart from text the user supplied (every string of the
questionnaire YAML, the names in its units file) and fixed technical names.

The reports are made by the real command (`surveykit run`) on each example in both languages; the visible
text of report.html (tags, styles and scripts removed) is scanned for common words of the other language after
the user's own strings have been blanked out. A word list cannot prove a text is Norwegian, but every word on
it was found untranslated at least once (reason strings of the privacy layer, notes of the computation
modules), so the test fails when such text reaches a report again."""

from __future__ import annotations

import csv
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from surveykit.cli import main as cli_main
from surveykit.spec.yamlio import load_yaml

ROOT = Path(__file__).resolve().parents[1]
QUEST = ROOT / "questionnaires"

# (name, questionnaire, data file relative to the shared folder or None for the YAML's own sample)
EXAMPLES = [
    ("schick2012", QUEST / "schick2012.yaml", None),
    ("hr-pulse", QUEST / "examples" / "hr-pulse.yaml", None),
    ("mrs-participation", QUEST / "examples" / "mrs-participation.yaml", None),
    ("field-saq", QUEST / "examples" / "field-saq.yaml", Path("data") / "saq" / "SAQ.sav"),
]

# words that are common in English and are not Norwegian words (matched as whole words; "tests" and "under"
# are left out: Norwegian has them too)
ENGLISH = ["the", "and", "of", "with", "fewer", "than", "below", "above", "which", "between", "respondents",
           "because", "hidden", "merged", "not", "were", "was", "from", "only", "without", "tables", "figures",
           "group", "groups", "complementary", "protects", "smaller", "clusters", "chance", "could",
           "would", "shown", "answers", "items", "factor", "number", "difference", "otherwise"]
# words that are common in Norwegian and are not English words
NORWEGIAN = ["og", "ikke", "etter", "som", "med", "av", "er", "til", "på", "har", "ble", "eller", "mellom",
             "gruppe", "grupper", "respondenter", "tabell", "merknad", "skjult", "færre", "enn", "ingen",
             "alle", "svar", "fra", "minst", "samlet", "enhet", "enheter", "utvalg", "også"]
# fixed technical names the report may show in either language (authors' names, software, method names)
ALLOWED = {"nb": [r"\bstd\.all\b", r"Hu and Bentler", r"\bminres\b"], "en": []}


class _Visible(HTMLParser):
    """The text a reader sees: everything outside <style> and <script>, block tags as line breaks."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        self._hidden += tag in ("style", "script")
        self.parts.append("\n")

    def handle_endtag(self, tag):
        self._hidden -= tag in ("style", "script")
        self.parts.append("\n")

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return "".join(parser.parts)


def _strings(node) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for value in node.values() for s in _strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in _strings(value)]
    return []


def user_strings(questionnaire: Path) -> list[str]:
    """Every string the user wrote: the YAML's values, the names of the units file it points to, and the
    respondents' own free-text answers in the embedded sample (comments shown in the report)."""
    spec = load_yaml(questionnaire)
    found = _strings(spec)
    units = (spec.get("organisation") or {}).get("units")
    if units:
        with open(questionnaire.parent / units, encoding="utf-8", newline="") as fh:
            found += [row.get("name") or "" for row in csv.DictReader(fh)]
    sample = (spec.get("sample") or {}).get("file")
    free_text = [f["id"] for f in spec.get("free_text") or []]
    if sample and free_text and (questionnaire.parent / sample).suffix == ".csv":
        with open(questionnaire.parent / sample, encoding="utf-8", newline="") as fh:
            found += [row.get(c) or "" for row in csv.DictReader(fh) for c in free_text]
    return sorted({s.strip() for s in found if len(s.strip()) > 1}, key=len, reverse=True)


def blank_user_text(text: str, strings: list[str]) -> str:
    for chunk in range(0, len(strings), 500):  # one alternation per 500 strings, longest first
        pattern = "|".join(re.escape(s) for s in strings[chunk:chunk + 500])
        text = re.sub(rf"(?<!\w)(?:{pattern})(?!\w)", " ¶ ", text)
    return text


def foreign_phrases(text: str, lang: str) -> list[str]:
    for allowed in ALLOWED[lang]:
        text = re.sub(allowed, " ", text)
    words = ENGLISH if lang == "nb" else NORWEGIAN
    pattern = re.compile(r"(?<![\w-])(" + "|".join(words) + r")(?![\w-])", re.IGNORECASE)
    hits = []
    for line in text.splitlines():
        if pattern.search(line):
            hits.append(line.strip()[:160])
    return hits


@pytest.fixture(scope="module")
def reports(tmp_path_factory, shared_dir):
    made = {}
    for name, yaml_path, data in EXAMPLES:
        if data is not None and not (shared_dir / data).exists():
            continue
        for lang in ("nb", "en"):
            out = tmp_path_factory.mktemp(f"{name}-{lang}") / "out"
            argv = ["run", str(yaml_path), *([str(shared_dir / data)] if data else []), "--out", str(out),
                    "--lang", lang, "--quiet"]
            assert cli_main(argv) == 0
            made[name, lang] = out
    return made


@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize("name", [e[0] for e in EXAMPLES])
def test_report_is_in_one_language(reports, name, lang):
    if (name, lang) not in reports:
        pytest.skip(f"{name}: its data are not in ../shared")
    yaml_path = next(e[1] for e in EXAMPLES if e[0] == name)
    text = visible_text((reports[name, lang] / "report.html").read_text(encoding="utf-8"))
    hits = foreign_phrases(blank_user_text(text, user_strings(yaml_path)), lang)
    assert not hits, f"{name} ({lang}): text in the other language:\n" + "\n".join(hits)


def test_scanner_finds_an_untranslated_note():
    """The scanner itself: an English note inside Norwegian text is found, the user's own English is not."""
    text = "Merknad. ICC(1) below zero for: Leadership.\nTabell 3: Leadership by tenure"
    blanked = blank_user_text(text, ["Leadership by tenure", "Leadership"])
    assert foreign_phrases(blanked, "nb") == ["Merknad. ICC(1) below zero for:  ¶ ."]
