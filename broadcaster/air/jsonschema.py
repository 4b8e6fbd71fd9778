"""JSON Schemas of the schedule files, published so YAML editors complete and check them."""

from __future__ import annotations

import json
from typing import Any

from broadcaster.air.schedule import DayFile, WeekFile

SCHEMAS = {"schedule-week.schema.json": WeekFile, "schedule-day.schema.json": DayFile}


def schema_text(model: type[WeekFile] | type[DayFile]) -> str:
    schema: dict[str, Any] = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
