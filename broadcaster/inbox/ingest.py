"""Ingest: turn files dropped into ``inbox/`` into stored bulletins, or into rejections.

Every file goes through the intake journal in the bulletin store, so nothing vanishes:

1. journal the claim (token, source), then claim the file by renaming it to
   ``var/inbox/claimed/<token>/<source>`` (editors can no longer change it under us);
2. decode it (``broadcaster.inbox.reader``), make the spoken script (text stage); a recording
   (recognised by its first bytes, whatever its name) is probed for its length instead and
   takes its title, tags, priority, air window and repeat from a sidecar ``NAME.yaml``;
3. copy it durably to ``var/originals/<id>/v<N>-<name>``, then store the version and close the
   journal entry in one transaction;
4. put the file back where the editor dropped it (deleting it later withdraws the bulletin),
   and ask the speech service to render it ahead.

A file that cannot be used goes to ``inbox/rejected/`` with ``<name>.loi.txt`` beside it, in
Vietnamese, saying what is wrong and how to fix it. After a crash (SIGKILL) ``recover`` finishes
or redoes whatever the journal and the claim folder show was under way; when the disk is full
the claimed file stays where it is and is tried again later.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import logging
import os
import shutil
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from broadcaster import durable
from broadcaster.clock import Clock
from broadcaster.config import Station
from broadcaster.errors import BroadcasterError
from broadcaster.inbox import frontmatter
from broadcaster.inbox.openfiles import writing_to
from broadcaster.inbox.reader import decode_bytes, is_audio, looks_binary
from broadcaster.inbox.store import BulletinStore
from broadcaster.messages import CATALOG
from broadcaster.models import Bulletin, BulletinMeta, Script

log = logging.getLogger(__name__)

SUPPORTED = (".txt", ".docx", ".odt", ".pdf", ".doc")  # .doc: read to say "save as .docx"
# what other files editors drop, for a note that fits (a photo is not told to "save as .txt")
_KINDS = {
    "image": (".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".heic", ".heif",
              ".webp"),
    "audio": (".mp3", ".wav", ".m4a", ".aac", ".ogg", ".oga", ".opus", ".flac", ".wma", ".amr",
              ".mp4", ".3gp", ".mov", ".avi", ".mkv", ".webm"),
    "office": (".xls", ".xlsx", ".ods", ".csv", ".ppt", ".pptx", ".odp"),
}
AUDIO_EXTS = _KINDS["audio"]
SIDECAR_SUFFIXES = (".yaml", ".yml")  # a recording's title, tags ... beside it: not a drop
REJECTED_DIR = "rejected"
CLAIM_DIR = ".dang-xu-ly"  # claims when inbox/ and var/ are on different file systems
ERROR_SUFFIX = ".loi.txt"
NOTE_SUFFIX = ".da-nhan.txt"  # "already taken" note beside a re-dropped identical file
# editors' programs leave these while saving; they are not drops
_TEMP_PREFIXES = ("~$", ".~lock", ".")
_TEMP_SUFFIXES = (".tmp", ".part", ".crdownload", ".partial", ".swp", "~")
_HELD_RECHECK_SECONDS = 1.0
_DISK_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS}


def vi(key: str, **params: object) -> str:
    """A catalog message in Vietnamese (the .loi.txt is always for the ward's editors)."""
    entry = CATALOG.get(key, {})
    template = entry.get("vi") or entry.get("en") or key
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template


def is_candidate(rel: Path) -> bool:
    """Whether a path under inbox/ is an editor's drop (not a rejection, temp or lock file)."""
    if not rel.parts or rel.parts[0] == REJECTED_DIR:
        return False
    if any(p.startswith(".") for p in rel.parts[:-1]):
        return False
    name = rel.name
    if name.endswith((ERROR_SUFFIX, NOTE_SUFFIX)) or name.lower().endswith(SIDECAR_SUFFIXES):
        return False
    return not (name.startswith(_TEMP_PREFIXES) or name.lower().endswith(_TEMP_SUFFIXES))


def is_disk_error(exc: BaseException) -> bool:
    if isinstance(exc, OSError) and exc.errno in _DISK_ERRNOS:
        return True
    return isinstance(exc, sqlite3.OperationalError) and (
        "disk is full" in str(exc) or "disk I/O" in str(exc))


def _write_note(path: Path, text: str) -> None:
    """A note for the ward's editors: UTF-8 with CRLF line ends, so Notepad shows its lines."""
    durable.write_text(path, text, newline="\r\n")


def _sidecar_line(exc: BroadcasterError) -> str:
    """The error of a sidecar with its line (front matter counts the opening ``---``)."""
    where, _, line = (exc.where or "").rpartition(":")
    if where and line.isdigit():
        return f"{where}:{max(1, int(line) - 1)}: {exc.message}"
    return _located(exc)


def _located(exc: BroadcasterError) -> str:
    """The error with its position (file:line) in front, unless the message names it."""
    if exc.where and exc.where not in exc.message:
        return f"{exc.where}: {exc.message}"
    return exc.message


class SpeechSink(Protocol):
    """What the ingester needs of the speech service (``broadcaster.speech.service``)."""

    def submit(self, bulletin: Bulletin) -> None: ...

    def ready(self, bulletin: Bulletin) -> Path | None: ...


Reader = Callable[..., Bulletin]
Scripter = Callable[[Bulletin], Script]
AudioProbe = Callable[[Path], int]  # a recording's length in ms; raises if it cannot be decoded


class Rejection(Exception):
    """A file cannot become a bulletin: what is wrong and how to fix it (Vietnamese)."""

    def __init__(self, problem: str, fix: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.fix = fix


def _type_rejection(name: str, ext: str) -> Rejection:
    """The note for a file type the station does not read, in words that fit that type."""
    for kind, exts in _KINDS.items():
        if ext in exts:
            return Rejection(vi(f"inbox.bad_type.{kind}", name=name, ext=ext),
                             vi(f"inbox.bad_type.{kind}.fix"))
    if ext in (".rtf", ".wps", ".wpd", ".pages", ".odm", ".htm", ".html", ".xml", ".md"):
        return Rejection(vi("inbox.bad_type.rtf", name=name, ext=ext), vi("inbox.bad_type.rtf.fix"))
    return Rejection(vi("inbox.bad_type", name=name, ext=ext or "(không có)"),
                     vi("inbox.bad_type.fix"))


@dataclass
class Outcome:
    source: str
    state: str  # ingested | unchanged | rejected | deferred | gone
    bulletin_id: str | None = None
    version: int | None = None
    detail: str = ""


@dataclass
class _Seen:
    size: int
    mtime_ns: int
    since: float  # clock.monotonic() when this size/mtime was first seen
    recheck: float = 0.0  # held open for writing: not looked at again before this time


@dataclass
class IngestStats:
    ingested: int = 0
    unchanged: int = 0
    rejected: int = 0
    deferred: int = 0
    withdrawn: int = 0
    last_error: str = ""
    outcomes: list[Outcome] = field(default_factory=list)


class Ingester:
    """Scans ``inbox/``, waits until files are complete, ingests or rejects each one."""

    def __init__(self, station: Station, store: BulletinStore, clock: Clock, *,
                 reader: Reader | None = None, scripter: Scripter | None = None,
                 speech: SpeechSink | None = None, audio_probe: AudioProbe | None = None,
                 stable_seconds: float | None = None,
                 max_bytes: int | None = None, withdraw_on_delete: bool | None = None,
                 keep_outcomes: bool = False) -> None:
        self.station = station
        self.store = store
        self.clock = clock
        settings = station.settings.inbox
        self.stable_seconds = settings.stable_seconds if stable_seconds is None else stable_seconds
        self.max_bytes = (settings.max_file_mb * 1024 * 1024) if max_bytes is None else max_bytes
        self.withdraw_on_delete = (settings.withdraw_on_delete if withdraw_on_delete is None
                                   else withdraw_on_delete)
        self.retry_seconds = settings.retry_seconds
        self.max_audio_ms = int(settings.max_audio_minutes * 60_000)
        self._probe = audio_probe
        self._reader = reader
        self._scripter = scripter
        self.speech = speech
        self.inbox = station.inbox_dir
        self.claim_root = station.var("inbox", "claimed")
        self.inbox.mkdir(parents=True, exist_ok=True)
        if os.stat(self.inbox).st_dev != os.stat(self.claim_root).st_dev:
            # inbox/ on another file system (a mounted share): a rename to var/ cannot work, so
            # files are claimed into a hidden folder of the inbox itself
            self.claim_root = self.inbox / CLAIM_DIR
            self.claim_root.mkdir(exist_ok=True)
        self.originals = station.var("originals")
        self._seen: dict[str, _Seen] = {}
        self._missing: dict[str, int] = {}  # source -> consecutive scans it was missing
        self._retry_at: dict[str, float] = {}  # token -> monotonic time of the next try
        self._speech_done: set[tuple[str, int, str]] = set()
        self.stats = IngestStats()
        self.keep_outcomes = keep_outcomes
        self.on_disk_error: Callable[[str], None] | None = None
        self._hashes: dict[str, tuple[str, int, str]] | None = None  # active bulletins' bytes

    # --- collaborators -----------------------------------------------------------------------
    def _read(self, path: Path, bulletin_id: str) -> Bulletin:
        if self._reader is None:
            from broadcaster.inbox.reader import read_bulletin

            self._reader = read_bulletin
        return self._reader(path, bulletin_id=bulletin_id)

    def _script(self, bulletin: Bulletin) -> Script:
        if self._scripter is None:
            from broadcaster.pipeline import Pipeline

            self._scripter = Pipeline(self.station, self.clock).script
        return self._scripter(bulletin)

    def _audio_ms(self, path: Path) -> int:
        if self._probe is None:
            from broadcaster.pipeline import Pipeline

            self._probe = Pipeline(self.station, self.clock).recording_ms
        return self._probe(path)

    def _now(self) -> dt.datetime:
        return self.clock.now()

    # --- scanning ----------------------------------------------------------------------------
    def _walk(self) -> dict[str, os.stat_result] | None:
        """Every candidate file under inbox/ with its stat; None if the folder is unreachable."""
        if not self.inbox.is_dir():
            return None
        found: dict[str, os.stat_result] = {}
        stack = [self.inbox]
        try:
            while stack:
                folder = stack.pop()
                with os.scandir(folder) as it:
                    for entry in it:
                        path = Path(entry.path)
                        rel = path.relative_to(self.inbox)
                        if entry.is_dir(follow_symlinks=False):
                            if rel.parts[0] != REJECTED_DIR and not entry.name.startswith("."):
                                stack.append(path)
                        elif entry.is_file() and is_candidate(rel):
                            try:
                                found[rel.as_posix()] = entry.stat()
                            except FileNotFoundError:
                                continue
        except OSError as exc:
            log.warning("inbox scan failed: %s", exc)
            return None
        return found

    def scan(self) -> list[str]:
        """Sources that are complete (size and time unchanged for ``stable_seconds`` and no
        process holding them open for writing) and new or changed; also withdraws bulletins
        whose file the editor deleted."""
        found = self._walk()
        if found is None:
            return []
        mono = self.clock.monotonic()
        every = self.store.files()
        ready: list[str] = []
        for source, st in found.items():
            known_file = every.get(source)
            if known_file is not None and known_file[2:] == (st.st_size, st.st_mtime_ns):
                self._seen.pop(source, None)
                continue  # the file we put back after ingesting it
            seen = self._seen.get(source)
            if seen is None or (seen.size, seen.mtime_ns) != (st.st_size, st.st_mtime_ns):
                self._seen[source] = _Seen(st.st_size, st.st_mtime_ns, mono)
                if self.stable_seconds > 0:
                    continue
            seen = self._seen[source]
            if mono - seen.since >= self.stable_seconds and mono >= seen.recheck:
                ready.append(source)
        held = writing_to([self.inbox / source for source in ready]) if ready else set()
        for source in [r for r in ready if self.inbox / r in held]:
            # a writer still has it open (its next part may come any moment): look again in a
            # while, or sooner when the watcher sees it closed
            self._seen[source].recheck = mono + _HELD_RECHECK_SECONDS
            ready.remove(source)
            log.debug("%s is still open for writing; waiting", source)
        for source in list(self._seen):
            if source not in found:
                del self._seen[source]
        if self.withdraw_on_delete:
            self._withdraw_deleted(found, every)
        return sorted(ready)

    def recheck_now(self) -> None:
        """A file was closed after writing (inotify): look at files held open at the next scan."""
        for seen in list(self._seen.values()):
            seen.recheck = 0.0

    def next_ready_in(self) -> float | None:
        """Seconds until the earliest file seen may be stable (for the watcher's wait)."""
        if not self._seen:
            return None
        mono = self.clock.monotonic()
        return max(0.0, min(max(s.since + self.stable_seconds, s.recheck) - mono
                            for s in self._seen.values()))

    def _withdraw_deleted(self, found: dict[str, os.stat_result],
                          every: dict[str, tuple[str, str, int | None, int | None]]) -> None:
        busy: set[str] | None = None
        for source, (bid, state, size, _mtime) in every.items():
            if state not in ("received", "awaiting_approval", "approved") or source in found:
                self._missing.pop(source, None)
                continue
            if size is None:
                continue  # never put back (another copy took its place): not the editor's doing
            if busy is None:
                busy = {r.source for r in self.store.intake(pending=True)}
            if source in busy:
                continue
            self._missing[source] = self._missing.get(source, 0) + 1
            if self._missing[source] >= 2:  # seen missing twice: not a share's hiccup
                self.store.withdraw(bid, vi("inbox.deleted", source=source), now=self._now())
                self.stats.withdrawn += 1
                self._missing.pop(source, None)
                log.info("bulletin %s withdrawn: %s was deleted from the inbox", bid, source)

    # --- one file ----------------------------------------------------------------------------
    def ingest(self, source: str) -> Outcome:
        """Claim ``source`` (relative to inbox/) and ingest or reject it."""
        path = self.inbox / source
        token = uuid.uuid4().hex[:16]
        claim = self.claim_root / token / source
        try:
            size: int | None = path.stat().st_size
        except OSError:
            return Outcome(source, "gone")
        try:
            intake_id = self.store.claim(token, source, claim, size, self._now())
        except sqlite3.Error as exc:
            return self._deferred(source, None, exc)
        try:
            claim.parent.mkdir(parents=True, exist_ok=True)
            os.rename(path, claim)
        except OSError as exc:
            self.store.unclaim(intake_id)
            shutil.rmtree(self.claim_root / token, ignore_errors=True)
            if is_disk_error(exc):
                return self._deferred(source, None, exc)
            # gone meanwhile, or still open in the editor's program (Windows): next scan
            log.info("could not claim %s yet: %s", source, exc)
            return Outcome(source, "gone", detail=str(exc))
        self._seen.pop(source, None)
        durable.fsync_dir(claim.parent)
        return self._process(intake_id, token, source, claim)

    def _process(self, intake_id: int, token: str, source: str, claim: Path) -> Outcome:
        try:
            try:
                bulletin, script_text = self._decode(source, claim)
            except Rejection as why:
                return self._reject(intake_id, token, source, claim, why)
            return self._commit(intake_id, token, source, claim, bulletin, script_text)
        except (OSError, sqlite3.Error) as exc:  # disk full, I/O error, database busy
            return self._deferred(source, token, exc)

    def _decode(self, source: str, claim: Path) -> tuple[Bulletin, str]:
        ext = claim.suffix.lower()
        with claim.open("rb") as fh:
            head = fh.read(4096)
        if is_audio(head) or (ext in AUDIO_EXTS and looks_binary(head)):
            return self._decode_audio(source, claim), ""
        if ext not in SUPPORTED and ext not in AUDIO_EXTS:  # a text named .mp3 is read as text
            raise _type_rejection(claim.name, ext)
        size = claim.stat().st_size
        if size == 0:
            raise Rejection(vi("inbox.empty", name=claim.name), vi("inbox.empty.fix"))
        if size > self.max_bytes:
            raise Rejection(vi("inbox.too_big", name=claim.name, mb=round(size / 2**20, 1),
                               limit=round(self.max_bytes / 2**20, 1)), vi("inbox.too_big.fix"))
        bulletin_id, version = self.store.plan_version(source)
        try:
            bulletin = self._read(claim, bulletin_id)
        except BroadcasterError as exc:
            raise Rejection(self._own_words(_located(exc), claim, source),
                            self._own_words(exc.hint, claim, source) or vi("inbox.generic.fix")
                            ) from None
        except Exception as exc:  # noqa: BLE001 - stage boundary: a reader bug rejects, never loses
            log.exception("reading %s crashed", source)
            raise Rejection(vi("inbox.crash", name=claim.name, error=f"{type(exc).__name__}: {exc}"),
                            vi("inbox.generic.fix")) from None
        self._refuse_twin(source, bulletin.content_hash)
        bulletin = self._localize(bulletin, version)
        try:
            script = self._script(bulletin)
        except BroadcasterError as exc:
            raise Rejection(self._own_words(_located(exc), claim, source),
                            self._own_words(exc.hint, claim, source) or vi("inbox.generic.fix")
                            ) from None
        text = "\n".join(script.lines()).strip()
        if not text:
            raise Rejection(vi("inbox.nothing", name=claim.name), vi("inbox.nothing.fix"))
        return bulletin, text

    def _decode_audio(self, source: str, claim: Path) -> Bulletin:
        """A recording as a bulletin: no text; its length checked by decoding its header."""
        try:
            ms = self._audio_ms(claim)
        except BroadcasterError as exc:
            raise Rejection(vi("inbox.audio_bad", name=claim.name,
                               error=self._own_words(exc.message, claim, source)),
                            vi("inbox.audio_bad.fix")) from None
        except Exception as exc:  # noqa: BLE001 - stage boundary: a decoder bug rejects
            log.exception("probing %s crashed", source)
            raise Rejection(vi("inbox.audio_bad", name=claim.name,
                               error=f"{type(exc).__name__}: {exc}"),
                            vi("inbox.audio_bad.fix")) from None
        if ms <= 0:
            raise Rejection(vi("inbox.audio_bad", name=claim.name, error="0 s"),
                            vi("inbox.audio_bad.fix"))
        if ms > self.max_audio_ms:
            limit = round(self.max_audio_ms / 60_000, 2)
            raise Rejection(vi("inbox.audio_long", name=claim.name, minutes=round(ms / 60_000, 2),
                               limit=limit), vi("inbox.audio_long.fix", limit=limit))
        meta, extra = self._sidecar(source)
        digest = hashlib.sha256()
        with claim.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        digest.update(extra)  # a changed sidecar with the same recording is a new version
        bulletin_id, version = self.store.plan_version(source)
        bulletin = Bulletin(id=bulletin_id, source=claim, body="", meta=meta,
                            content_hash=digest.hexdigest(), audio=claim)
        self._refuse_twin(source, bulletin.content_hash)
        return self._localize(bulletin, version)

    def _sidecar(self, source: str) -> tuple[BulletinMeta, bytes]:
        """The recording's ``NAME.yaml`` beside it in inbox/ (front matter keys), if any."""
        for suffix in SIDECAR_SUFFIXES:
            path = (self.inbox / source).with_suffix(suffix)
            try:
                data = path.read_bytes()
            except OSError:
                continue
            where = Path(source).with_suffix(suffix).as_posix()
            try:
                return frontmatter.parse(decode_bytes(data, where), where), b"\0" + data
            except BroadcasterError as exc:
                raise Rejection(vi("inbox.sidecar_bad", name=where, error=_sidecar_line(exc)),
                                exc.hint or vi("inbox.generic.fix")) from None
        return BulletinMeta(), b""

    def _taken(self, bulletin_id: str, version: int) -> str:
        """When a version was taken, in the station's time (for the editors' notes)."""
        for row in self.store.versions(bulletin_id):
            if row["version"] == version:
                try:
                    when = dt.datetime.fromisoformat(str(row["received_at"]))
                except ValueError:
                    return str(row["received_at"])
                if when.tzinfo is not None:
                    when = when.astimezone(self.station.tz)
                return f"{when:%d/%m/%Y %H:%M}"
        return "?"

    def _refuse_twin(self, source: str, content_hash: str) -> None:
        """The same bytes as a bulletin still in play under another name: not a second one."""
        if self._hashes is None:  # once per pass (approvals, expiry change it between passes)
            self._hashes = {rec.content_hash: (rec.id, rec.version, rec.source)
                            for rec in self.store.active()}
        twin = self._hashes.get(content_hash)
        if twin is not None and twin[2] != source:
            bid, version, other = twin
            raise Rejection(
                vi("inbox.duplicate", name=Path(source).name, id=bid, version=version,
                   other=other, taken=self._taken(bid, version)),
                vi("inbox.duplicate.fix", other=other))

    def _note_already_taken(self, source: str, bulletin_id: str, version: int) -> None:
        """A re-dropped identical file: say so beside it, where the editor dropped it."""
        rec = self.store.get(bulletin_id)
        state = rec.state if rec is not None else ""
        note = vi("inbox.already", source=source, when=f"{self._now():%Y-%m-%d %H:%M:%S}",
                  id=bulletin_id, version=version, taken=self._taken(bulletin_id, version),
                  state=vi(f"inbox.state.{state}") if f"inbox.state.{state}" in CATALOG else state)
        try:
            _write_note(self.inbox / (source + NOTE_SUFFIX), note)
        except OSError as exc:  # a note must never stop intake
            log.warning("cannot write the note beside %s: %s", source, exc)

    def _own_words(self, text: str, claim: Path, source: str) -> str:
        """Name the file as the editor knows it, not by its claim path."""
        return (text or "").replace(str(claim), source).replace(claim.as_posix(), source)

    def _localize(self, bulletin: Bulletin, version: int) -> Bulletin:
        """Air windows without a time zone are in the station's; the version is the store's."""
        import dataclasses

        meta = bulletin.meta
        tz = self.station.tz
        fixes = {k: getattr(meta, k).replace(tzinfo=tz) for k in ("air_from", "air_until")
                 if getattr(meta, k) is not None and getattr(meta, k).tzinfo is None}
        if fixes:
            meta = dataclasses.replace(meta, **fixes)
        return dataclasses.replace(bulletin, meta=meta, version=version)

    def _commit(self, intake_id: int, token: str, source: str, claim: Path, bulletin: Bulletin,
                script_text: str) -> Outcome:
        bid, version = bulletin.id, bulletin.version
        original = self.originals / bid / f"v{version}-{claim.name}"
        durable.copy_file(claim, original)
        st = claim.stat()
        rec, changed = self.store.add_version(
            intake_id, bulletin, source=source, script_text=script_text, original=original,
            now=self._now(), file_size=st.st_size, file_mtime_ns=st.st_mtime_ns)
        if not changed and original != rec.original:
            original.unlink(missing_ok=True)  # same content as the stored version
        self._put_back(intake_id, token, source, claim, rec.id, "ingested" if changed else "unchanged")
        if changed and self.speech is not None:
            try:
                self.speech.submit(rec.bulletin())
                self._speech_done.add((rec.id, rec.version, ""))
            except Exception:  # noqa: BLE001 - speech is retried by the sync loop
                log.exception("speech submit for %s failed", rec.id)
        out = Outcome(source, "ingested" if changed else "unchanged", rec.id, rec.version)
        if changed:
            (self.inbox / (source + NOTE_SUFFIX)).unlink(missing_ok=True)  # a stale note
            if self._hashes is not None:
                self._hashes[rec.content_hash] = (rec.id, rec.version, source)
        else:
            self._note_already_taken(source, rec.id, rec.version)
        if changed:
            self.stats.ingested += 1
            log.info("ingested %s as %s v%d (%s)", source, rec.id, rec.version, rec.state)
        else:
            self.stats.unchanged += 1
        return self._note(out)

    def _put_back(self, intake_id: int, token: str, source: str, claim: Path, bulletin_id: str,
                  final: str) -> None:
        """Return the editor's file to where it was dropped, unless a newer one is there."""
        target = self.inbox / source
        if claim.exists():
            if target.exists() or not target.parent.is_dir():
                claim.unlink()
                self.store.set_file_stat(bulletin_id, None, None)
            else:
                os.rename(claim, target)
        self.store.intake_state(intake_id, final, now=self._now())
        shutil.rmtree(self.claim_root / token, ignore_errors=True)

    def _reject(self, intake_id: int, token: str, source: str, claim: Path,
                why: Rejection) -> Outcome:
        rel = Path(source)
        folder = self.inbox / REJECTED_DIR / rel.parent
        target = folder / rel.name
        if target.exists() or target.with_name(target.name + ERROR_SUFFIX).exists():
            stamp = f"{self._now():%Y%m%d-%H%M%S}"
            n = 0
            while True:
                suffix = f"-{stamp}" + (f"-{n}" if n else "")
                target = folder / f"{rel.stem}{suffix}{rel.suffix}"
                if not target.exists():
                    break
                n += 1
        self.store.intake_state(intake_id, "rejecting", now=self._now(),
                                detail=f"{why.problem}\x1f{why.fix}", rejected=target)
        return self._finish_reject(intake_id, token, source, claim, target, why.problem, why.fix)

    def _finish_reject(self, intake_id: int, token: str, source: str, claim: Path, target: Path,
                       problem: str, fix: str) -> Outcome:
        previous = self.store.by_source(source)
        kept = ""
        if previous is not None and previous.original is not None:
            kept = vi("inbox.previous_kept", version=previous.version, id=previous.id)
        note = vi("inbox.loi", source=source, when=f"{self._now():%Y-%m-%d %H:%M:%S}",
                  problem=problem, fix=fix, kept=kept)
        _write_note(target.with_name(target.name + ERROR_SUFFIX), note)
        if claim.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.rename(claim, target)
            durable.fsync_dir(target.parent)
        if previous is not None and previous.original is not None and previous.original.is_file() \
                and previous.state in ("approved", "awaiting_approval", "received") \
                and not (self.inbox / source).exists():
            # the old version stays on air: its file goes back so deleting it still withdraws
            durable.copy_file(previous.original, self.inbox / source)
            st = (self.inbox / source).stat()
            self.store.set_file_stat(previous.id, st.st_size, st.st_mtime_ns)
        self.store.intake_state(intake_id, "rejected", now=self._now(), detail=problem)
        shutil.rmtree(self.claim_root / token, ignore_errors=True)
        self.stats.rejected += 1
        log.warning("rejected %s: %s", source, problem)
        return self._note(Outcome(source, "rejected", detail=problem))

    def _deferred(self, source: str, token: str | None, exc: BaseException) -> Outcome:
        """Disk full or the database busy: the file stays claimed (or in the inbox); try later."""
        self.stats.deferred += 1
        self.stats.last_error = str(exc)
        if token is not None:
            self._retry_at[token] = self.clock.monotonic() + self.retry_seconds
        log.error("cannot ingest %s now (%s); it is kept and tried again in %.0f s", source, exc,
                  self.retry_seconds)
        if self.on_disk_error is not None and is_disk_error(exc):
            try:
                self.on_disk_error(str(exc))
            except Exception:  # noqa: BLE001 - an alert must never stop intake
                log.exception("disk alert failed")
        return Outcome(source, "deferred", detail=str(exc))

    def _note(self, out: Outcome) -> Outcome:
        if self.keep_outcomes:
            self.stats.outcomes.append(out)
        return out

    # --- after a crash -----------------------------------------------------------------------
    def recover(self, *, force: bool = False) -> list[Outcome]:
        """Finish or redo every intake the journal or the claim folder shows was under way."""
        outs: list[Outcome] = []
        mono = self.clock.monotonic()
        for row in self.store.intake(pending=True):
            if not force and self._retry_at.get(row.token, 0.0) > mono:
                continue
            self._retry_at.pop(row.token, None)
            try:
                outs.append(self._recover_row(row))
            except (OSError, sqlite3.Error) as exc:
                outs.append(self._deferred(row.source, row.token, exc))
        known = self.store.intake_tokens()
        if self.claim_root.is_dir():
            for folder in sorted(self.claim_root.iterdir()):
                if folder.name in known or not folder.is_dir():
                    continue
                files = [p for p in folder.rglob("*") if p.is_file() and not p.name.endswith(".tmp")]
                if not files:
                    shutil.rmtree(folder, ignore_errors=True)
                    continue
                try:
                    for f in files:  # journal lost (e.g. power cut): take it in afresh
                        source = f.relative_to(folder).as_posix()
                        token = uuid.uuid4().hex[:16]
                        claim = self.claim_root / token / source
                        claim.parent.mkdir(parents=True, exist_ok=True)
                        intake_id = self.store.claim(token, source, claim, f.stat().st_size,
                                                     self._now())
                        os.rename(f, claim)
                        outs.append(self._process(intake_id, token, source, claim))
                except (OSError, sqlite3.Error) as exc:
                    log.error("cannot take in the orphan claim %s yet: %s", folder, exc)
                    continue
                shutil.rmtree(folder, ignore_errors=True)
        return outs

    def _recover_row(self, row) -> Outcome:  # type: ignore[no-untyped-def]
        claim = row.claim
        if row.state == "claimed":
            if claim.exists():
                log.warning("finishing the intake of %s interrupted by a stop", row.source)
                return self._process(row.id, row.token, row.source, claim)
            if (self.inbox / row.source).exists():
                self.store.unclaim(row.id)  # the rename never happened: the scan takes it
                return Outcome(row.source, "gone")
            self.store.intake_state(row.id, "lost", now=self._now(),
                                    detail="claimed file missing (removed by hand?)")
            log.error("intake %s: the claimed file %s is missing", row.source, claim)
            return Outcome(row.source, "gone", detail="claimed file missing")
        if row.state == "committed":
            final = "unchanged" if row.detail == "unchanged" else "ingested"
            self._put_back(row.id, row.token, row.source, claim, row.bulletin_id or "", final)
            rec = self.store.get(row.bulletin_id or "")
            if rec is not None and self.speech is not None and final == "ingested":
                self.speech.submit(rec.bulletin())
            return Outcome(row.source, final, row.bulletin_id, row.version)
        if row.state == "rejecting":
            target = row.rejected or (self.inbox / REJECTED_DIR / row.source)
            problem, _, fix = row.detail.partition("\x1f")
            return self._finish_reject(row.id, row.token, row.source, claim, target, problem,
                                       fix or vi("inbox.generic.fix"))
        return Outcome(row.source, row.state)

    # --- speech and expiry -------------------------------------------------------------------
    def sync_speech(self) -> int:
        """Record the finished speech of active bulletins under the pipeline's current key
        (a changed lexicon or rules make new speech); (re)submit those without one."""
        if self.speech is None:
            return 0
        found = 0
        for rec in self.store.active():
            bulletin = rec.bulletin()
            path = self.speech.ready(bulletin)
            if path is not None:
                if path != rec.speech_path:
                    self.store.set_speech(rec.id, rec.version, path)
                    found += 1
                continue
            # once per version, and once more when its recorded speech went stale (a changed
            # lexicon or rules: a new speech key)
            ident = (rec.id, rec.version, str(rec.speech_path or ""))
            if ident not in self._speech_done:
                self.speech.submit(bulletin)
                self._speech_done.add(ident)
        return found

    def poll_once(self) -> list[Outcome]:
        """One pass: unfinished intakes, then complete new files, speech, expiry."""
        self._hashes = None
        outs = self.recover()
        for source in self.scan():
            outs.append(self.ingest(source))
        try:
            self.sync_speech()
        except Exception:  # noqa: BLE001 - speech bookkeeping must not stop intake
            log.exception("speech sync failed")
        self.store.expire(self._now())
        return outs

    def drain(self, *, max_passes: int = 1000) -> list[Outcome]:
        """Ingest everything now, ignoring the stability wait (tests, ``broadcaster ingest``)."""
        saved, self.stable_seconds = self.stable_seconds, 0.0
        outs: list[Outcome] = []
        try:
            for _ in range(max_passes):
                batch = self.poll_once()
                outs.extend(batch)
                if not [o for o in batch if o.state != "gone"]:
                    break
        finally:
            self.stable_seconds = saved
        return outs


__all__ = ["Ingester", "IngestStats", "Outcome", "Rejection", "is_candidate", "vi"]
