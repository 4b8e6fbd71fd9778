"""The control channel's requests (the CLI's ``status``/``skip``/``stop``/``load``/
``emergency``/``live``, and the web desk's ``approve``/``reject``/``withdraw``/``prepared``) as
calls on the running station: the same calls the CLI's own commands make, never a second
implementation of them. Replies are JSON-ready dicts with ``ok`` and a message or an error in
the operator's language."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from broadcaster.messages import t

if TYPE_CHECKING:
    from broadcaster.station import StationService


def handle(service: StationService, request: dict[str, object]) -> dict[str, object]:
    """One control-channel request: status, skip, stop, load, emergency, and the web desk's
    approve, reject, withdraw."""
    cmd = request.get("cmd")
    if cmd == "status":  # brief: without the bulletins' promised airings (the web desk)
        return {"ok": True, **service.status(brief=request.get("brief") is True)}
    if cmd == "skip":
        label = service.playout.skip()
        if label is None:
            return {"ok": True, "message": t("control.nothing_on_air")}
        return {"ok": True, "message": t("control.skipped", slot=label)}
    if cmd == "stop":
        service.request_stop()
        return {"ok": True, "message": t("control.stopping")}
    if cmd == "load":
        result = service.load_schedule(Path(str(request.get("path", ""))),
                                       confirmed=request.get("yes") is True)
        reply: dict[str, object] = {
            "ok": result.installed, "confirm": result.needs_confirmation,
            "problems": list(result.problems),
            "changes": [[c.kind.value, c.slot, c.before, c.after] for c in result.change.slots]}
        reply["message" if result.installed else "error"] = result.message()
        return reply
    if cmd in ("approve", "reject", "withdraw"):
        return _store_action(service, str(cmd), request)
    if cmd == "live_start":
        zones = request.get("zones")
        device = request.get("input")
        return {"ok": True, **service.live_start(
            str(request.get("by") or "?"), str(device) if device else None,
            tuple(str(z) for z in zones) if isinstance(zones, list) else ())}
    if cmd == "live_stop":
        return {"ok": True, **service.live_stop()}
    if cmd == "prepared":
        return {"ok": True, "prepared": _prepared(service, str(request.get("key", "")))}
    if cmd == "emergency":
        return _emergency(service, request)
    return {"ok": False, "error": t("control.unknown", cmd=cmd)}

def _emergency(service: StationService, request: dict[str, object]) -> dict[str, object]:
    """``emergency`` on the control channel: ``text``, or ``audio`` (the path of a
    recording the caller saved), and ``repeat``."""
    text = str(request.get("text") or "").strip()
    audio = Path(str(request["audio"])) if request.get("audio") else None
    if audio is not None and not audio.is_file():
        return {"ok": False, "error": t("emergency.audio_missing", path=audio)}
    if not text and audio is None:
        return {"ok": False, "error": t("emergency.need_text")}
    raw = request.get("repeat", 1)
    repeat = int(raw) if isinstance(raw, int | str) and str(raw).isdigit() else 1
    return {"ok": True, **service.emergency(text, max(1, min(repeat, 10)), audio=audio)}

def _prepared(service: StationService, key: str) -> dict[str, object] | None:
    """The web desk's ``prepared``: the finished program held for airing ``key`` (never
    built here), or None."""
    ready = service.playout.ready(key)
    if ready is None:
        return None
    return {"key": ready.key, "wav": str(ready.wav), "digest": ready.digest,
            "duration_ms": ready.on_air_ms, "items": list(ready.items),
            "warnings": list(ready.warnings)}

def _store_action(service: StationService, cmd: str, request: dict[str, object]
                  ) -> dict[str, object]:
    """approve / reject / withdraw from the web desk: the same store calls as the CLI."""
    bulletin_id, by = str(request.get("id", "")), str(request.get("by", ""))
    reason = str(request.get("reason", ""))
    now = service.clock.now()
    if cmd == "approve":
        rec = service.store.approve(bulletin_id, by=by, now=now,
                                 content_hash=str(request.get("hash") or "") or None)
        return {"ok": True, "message": t("store.approved", id=rec.id, version=rec.version,
                                         title=rec.title)}
    if cmd == "reject":
        rec = service.store.reject(bulletin_id, reason, by=by, now=now)
        return {"ok": True, "message": t("store.rejected", id=rec.id, reason=rec.reason)}
    rec = service.store.withdraw(bulletin_id, reason, now=now)
    return {"ok": True, "message": t("store.withdrawn", id=rec.id, reason=rec.reason)}
