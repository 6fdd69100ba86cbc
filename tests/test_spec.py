"""The questionnaire format: loading, line-located errors, references, the JSON Schema."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from surveykit.errors import SpecError
from surveykit.spec.questionnaire import json_schema, load_questionnaire, questionnaire_from_dict
from surveykit.spec.yamlio import load_yaml_text

DATA = Path(__file__).parent / "data"


def mini_dict():
    return yaml.safe_load((DATA / "mini.yaml").read_text(encoding="utf-8"))


def write(tmp_path, text, name="q.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path):
    with pytest.raises(SpecError) as info:
        load_questionnaire(path)
    return info.value


def test_mini_loads_and_orders_recodes():
    q = load_questionnaire(DATA / "mini.yaml")
    # role3 is defined before role_r in the file but depends on it: dependency order wins
    assert [r.id for r in q.recode_order()] == ["role_r", "role3", "age3"]
    assert q.codes_of("age3") == {1: "-35", 2: "36-50", 3: "51-"}
    assert q.reference_of("gender") == 1
    assert q.kind_of("idx") == "index" and q.kind_of("q2") == "item" and q.kind_of("role_other") == "text"
    assert q.scale_of("idx").max == 6


def test_round_trip_through_dict_is_identical():
    q = load_questionnaire(DATA / "mini.yaml")
    dumped = q.model_dump(by_alias=True, exclude={"source_path"})
    again = questionnaire_from_dict(json.loads(json.dumps(dumped)))
    assert again.model_dump(exclude={"source_path"}) == q.model_dump(exclude={"source_path"})


def test_unknown_key_names_its_line(tmp_path):
    text = (DATA / "mini.yaml").read_text(encoding="utf-8").replace(
        "  - {id: age, type: number, text: Alder, min: 18, max: 80}",
        "  - {id: age, type: number, text: Alder, min: 18, max: 80, colour: red}")
    err = problems_of(write(tmp_path, text))
    assert len(err.problems) == 1
    problem = err.problems[0]
    assert "unknown key 'colour'" in problem.message
    expected_line = text.splitlines().index("  - {id: age, type: number, text: Alder, min: 18, max: 80, colour: red}") + 1
    assert problem.line == expected_line


def test_wrong_type_and_min_above_max_reported_together(tmp_path):
    text = (DATA / "mini.yaml").read_text(encoding="utf-8")
    text = text.replace("agree6: {min: 1, max: 6,", "agree6: {min: 7, max: 6,")
    text = text.replace("min_valid: 2", "min_valid: two")
    err = problems_of(write(tmp_path, text))
    messages = " | ".join(p.message for p in err.problems)
    assert "scale min (7) must be below max (6)" in messages
    assert "min_valid" in messages and "integer" in messages
    assert len(err.problems) == 2
    assert all(p.line for p in err.problems)


def test_duplicate_keys_and_syntax_errors_are_located():
    with pytest.raises(SpecError) as info:
        load_yaml_text("meta:\n  id: a\n  id: b\n", "dup.yaml")
    assert info.value.problems[0].line == 3 and "duplicate key 'id'" in info.value.problems[0].message
    with pytest.raises(SpecError) as info:
        load_yaml_text("meta:\n  id: a\n title: [\n", "syntax.yaml")
    assert info.value.problems[0].line == 3 and "syntax" in info.value.problems[0].message


def test_yaml_tags_cannot_construct_objects():
    with pytest.raises(SpecError):
        load_yaml_text("x: !!python/object/apply:os.system ['echo hi']\n")


@pytest.mark.parametrize("change, expected", [
    (("items: [q1, q2]", "items: [q1, q9]"), "index 'idx' names unknown item 'q9'"),
    (("scale: agree6, reverse", "scale: agree9, reverse"), "undefined scale 'agree9'"),
    (("reference: 1", "reference: 3"), "reference category 3 is not one of its codes"),
    (("from: role_r, map", "from: nowhere, map"), "uses undefined variable 'nowhere'"),
])
def test_reference_errors(tmp_path, change, expected):
    text = (DATA / "mini.yaml").read_text(encoding="utf-8").replace(*change)
    err = problems_of(write(tmp_path, text))
    assert any(expected in p.message for p in err.problems), err.render()


def test_circular_derived_variables(tmp_path):
    data = mini_dict()
    data["recodes"] = [
        {"id": "a", "type": "map", "from": "b", "map": {1: 1}},
        {"id": "b", "type": "map", "from": "a", "map": {1: 1}},
    ]
    with pytest.raises(SpecError) as info:
        questionnaire_from_dict(data)
    assert any("circle" in p.message for p in info.value.problems)


def test_replacing_a_derived_variable_in_place_keeps_order():
    data = mini_dict()
    data["recodes"] = [
        {"id": "r", "type": "map", "from": "role", "map": {2: 1}},
        {"id": "r", "type": "map", "from": "r", "map": {3: 1}},
    ]
    q = questionnaire_from_dict(data)
    order = q.recode_order()
    assert [rule.map for rule in order] == [{2: 1}, {3: 1}]


def test_json_schema_describes_the_format():
    schema = json_schema()
    assert schema["title"] == "surveykit questionnaire"
    assert {"meta", "scales", "items", "recodes", "indices", "analysis", "published"} <= set(schema["properties"])
    assert "source_path" not in schema["properties"]
    recode_variants = json.dumps(schema["$defs"]["MapRecode"])
    assert '"from"' in recode_variants


def test_schema_command_prints_valid_json():
    out = subprocess.run([sys.executable, "-m", "surveykit", "schema"], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout)["title"] == "surveykit questionnaire"
