"""The rundown of a rendered program as a plain-text table for the operator."""

from __future__ import annotations

from broadcaster.messages import t
from broadcaster.program.model import RenderedProgram


def _clock(ms: int) -> str:
    s, ms = divmod(ms, 1000)
    m, s = divmod(s, 60)
    return f"{m:02d}:{s:02d}.{ms // 100}"


def _num(x: float | None) -> str:
    return "" if x is None else f"{x:.1f}"


def rundown_table(program: RenderedProgram) -> str:
    """Start, length, kind, label, loudness, true peak and flags, one item per line."""
    head = t("program.table.columns").split("|")
    rows = [[_clock(e.offset_ms), _clock(e.duration_ms), e.kind, e.label, _num(e.loudness_lufs),
             _num(e.true_peak_dbtp), ",".join(e.flags)] for e in program.rundown]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    right = {0, 1, 4, 5}
    lines = []
    for r in [head, *rows]:
        cells = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))]
        lines.append("  ".join(cells).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append(t("program.table.total", duration=_clock(program.duration_ms),
                   lufs=_num(program.loudness_lufs), dbtp=_num(program.true_peak_dbtp)))
    if program.dropped:
        lines.append(t("program.table.dropped", items=", ".join(program.dropped)))
    lines += program.warnings
    return "\n".join(lines)
