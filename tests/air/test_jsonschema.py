"""The published JSON Schemas are current and accept/refuse what the station does."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import yaml

from broadcaster.air.jsonschema import SCHEMAS, schema_text

REPO = Path(__file__).resolve().parents[2]


def test_published_schemas_match_the_model() -> None:
    for name, model in SCHEMAS.items():
        assert (REPO / "schemas" / name).read_text(encoding="utf-8") == schema_text(model), (
            f"schemas/{name} is stale: run scripts/make_schemas.py")


def test_schema_accepts_the_default_week_and_refuses_typos() -> None:
    import json

    schema = json.loads((REPO / "schemas" / "schedule-week.schema.json").read_text())
    week = yaml.safe_load((REPO / "schedules" / "week.yaml").read_text(encoding="utf-8"))
    jsonschema.validate(week, schema)
    week["slots"][0]["dayz"] = ["t2"]
    try:
        jsonschema.validate(week, schema)
    except jsonschema.ValidationError as exc:
        assert "dayz" in exc.message
    else:
        raise AssertionError("a misspelt key passed the schema")
