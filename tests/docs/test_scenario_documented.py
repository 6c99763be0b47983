"""Every key of every scenario section is documented in docs/scenario.md, and no other.

The page's "Every key" part has one table per model of the schema, headed `... (Model)`,
whose first column lists the model's keys.
"""

import re
from pathlib import Path

from tests.hostile.full import models

PAGE = Path(__file__).parents[2] / "docs" / "scenario.md"


def documented() -> dict[str, set[str]]:
    """{model name: keys in its table}."""
    reference = PAGE.read_text().split("\n## Every key\n", 1)[1]
    tables = {}
    for section in reference.split("\n### ")[1:]:
        heading, _, body = section.partition("\n")
        (model,) = re.findall(r"\((\w+)\)\s*$", heading)
        tables[model] = set(re.findall(r"^\| `(\w+)` \|", body, re.M))
    return tables


def test_every_model_has_a_table_with_exactly_its_keys():
    tables = documented()
    schema = {model.__name__: set(model.model_fields) for model in models()}
    assert sorted(set(schema) - set(tables)) == [], "document these sections in docs/scenario.md"
    assert sorted(set(tables) - set(schema)) == [], "docs/scenario.md documents models the schema lacks"
    wrong = {name: (sorted(schema[name] - keys), sorted(keys - schema[name]))
             for name, keys in tables.items() if keys != schema[name]}
    assert wrong == {}, "(missing, unknown) keys per model in docs/scenario.md"
