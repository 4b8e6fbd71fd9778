#!/usr/bin/env python3
"""Write the schedule files' JSON Schemas into schemas/ (run after changing the schedule model)."""

from __future__ import annotations

from pathlib import Path

from broadcaster.air.jsonschema import SCHEMAS, schema_text


def main() -> None:
    out = Path(__file__).resolve().parent.parent / "schemas"
    out.mkdir(exist_ok=True)
    for name, model in SCHEMAS.items():
        (out / name).write_text(schema_text(model), encoding="utf-8")
        print(out / name)


if __name__ == "__main__":
    main()
