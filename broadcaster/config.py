"""Station settings: shipped defaults layered with the station's ``station.yaml``, validated.

Every problem names file:line:column, the key, what is wrong and, for a typo, a "did you mean".
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from broadcaster import STATION_FILE, yamlpos
from broadcaster.errors import ConfigError
from broadcaster.messages import describe_error, t

ENGINES = ("gtts", "edge", "espeak")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class AudioSettings(_Section):
    output_device: str | int | None
    sample_rate: int = Field(ge=8000, le=192000)
    channels: Literal[1, 2]
    volume: float = Field(ge=0.0, le=1.0)
    file_sink_when_no_device: bool


class TextSettings(_Section):
    headings: Literal["read", "drop"]
    lexicon: str | None


class PauseSettings(_Section):
    segment: int = Field(ge=0, le=5000)
    sentence: int = Field(ge=0, le=5000)
    paragraph: int = Field(ge=0, le=10000)
    heading: int = Field(ge=0, le=10000)


class SpeechSettings(_Section):
    engines: tuple[Literal["gtts", "edge", "espeak"], ...] = Field(min_length=1)
    rate: float = Field(ge=0.5, le=2.0)
    espeak_voice: Literal["vi", "vi-vn-x-central", "vi-vn-x-south"]
    espeak_pitch: int = Field(ge=0, le=99)
    espeak_wpm: int = Field(ge=80, le=450)
    gtts_tld: str
    edge_voice: str
    timeout_s: float = Field(gt=0, le=120)
    concurrency: int = Field(ge=1, le=16)
    retries: int = Field(ge=0, le=10)
    pauses_ms: PauseSettings
    cache_max_mb: int = Field(ge=10)
    backoff_s: float = Field(ge=0, le=60)
    backoff_max_s: float = Field(ge=0, le=600)
    breaker_failures: int = Field(ge=1, le=100)
    breaker_cooldown_s: float = Field(ge=1, le=3600)
    retry_later_s: float = Field(ge=1, le=86400)


class Jingles(_Section):
    open: str | None
    close: str | None
    between: str | None


class ProgramSettings(_Section):
    loudness_lufs: float = Field(ge=-40, le=-5)
    true_peak_dbtp: float = Field(ge=-12, le=0)
    highpass_hz: float = Field(ge=0, le=500)
    compression: bool
    gap_ms: int = Field(ge=0, le=10000)
    jingles: Jingles
    archive_format: Literal["flac", "wav"]
    archive_days: int = Field(ge=1)
    highpass_order: int = Field(ge=1, le=8)
    compression_threshold_lu: float = Field(ge=-30, le=20)
    compression_ratio: float = Field(ge=1, le=20)
    bed_gain_db: float = Field(ge=-40, le=0)
    duck_db: float = Field(ge=0, le=40)
    duck_attack_ms: int = Field(ge=0, le=5000)
    duck_release_ms: int = Field(ge=0, le=10000)
    emergency_gain_lu: float = Field(ge=-10, le=10)


_HOURS = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")


class PolicySettings(_Section):
    max_session_minutes: float = Field(gt=0, le=240)
    quiet_hours: tuple[str, ...]
    broadcast_days: tuple[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"], ...]
    overlong: Literal["drop_bulletins", "trim_music"]

    @field_validator("quiet_hours")
    @classmethod
    def _hours(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for item in v:
            if not _HOURS.match(item):
                raise ValueError(f"'{item}' is not HH:MM-HH:MM")
        return v

    def quiet_ranges(self) -> list[tuple[dt.time, dt.time]]:
        out = []
        for item in self.quiet_hours:
            a, b = item.split("-")
            out.append((dt.time.fromisoformat(a), dt.time.fromisoformat(b)))
        return out

    def is_quiet(self, when: dt.time) -> bool:
        for a, b in self.quiet_ranges():
            if (a <= when < b) if a <= b else (when >= a or when < b):
                return True
        return False


class PlayoutSettings(_Section):
    preroll_minutes: float = Field(ge=0, le=240)
    grace_minutes: float = Field(ge=0, le=240)
    settle_seconds: float = Field(ge=2, le=600)


class InboxSettings(_Section):
    stable_seconds: float = Field(ge=0, le=600)
    poll_seconds: float = Field(gt=0, le=600)
    watch_events: bool
    max_file_mb: float = Field(gt=0, le=1024)
    max_audio_minutes: float = Field(gt=0, le=180)
    withdraw_on_delete: bool
    retry_seconds: float = Field(gt=0, le=86400)


class AlertSettings(_Section):
    urls: tuple[str, ...]
    min_interval_minutes: float = Field(ge=0, le=10080)
    disk_low_mb: int = Field(ge=0)
    schedule_check_at: str
    approval_warn_minutes: float = Field(ge=0, le=10080)
    check_seconds: float = Field(gt=0, le=3600)
    timeout_s: float = Field(gt=0, le=300)

    @field_validator("schedule_check_at")
    @classmethod
    def _at(cls, v: str) -> str:
        if not re.match(r"^([01]\d|2[0-3]):[0-5]\d$", v):
            raise ValueError(f"'{v}' is not HH:MM")
        return v


class HousekeepingSettings(_Section):
    every_hours: float = Field(gt=0, le=168)
    heartbeat_seconds: float = Field(gt=0, le=3600)
    log_max_mb: float = Field(gt=0, le=1024)
    log_backups: int = Field(ge=1, le=100)
    programs_days: int = Field(ge=1)
    rejected_days: int = Field(ge=1)
    originals_days: int = Field(ge=1)
    speech_days: int = Field(ge=1)
    notes_days: int = Field(ge=1)
    schedules_history_days: int = Field(ge=1)
    shutdown_wait_seconds: float = Field(ge=0, le=3600)


class WebSettings(_Section):
    enabled: bool
    listen: str
    max_upload_mb: float = Field(gt=0, le=1024)
    disk_warn_days: int = Field(30, ge=1)  # desk2: the dashboard warns below this many days

    @field_validator("listen")
    @classmethod
    def _listen(cls, v: str) -> str:
        host, sep, port = v.rpartition(":")
        if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(t("config.bad_listen", value=v))
        return v

    @property
    def host(self) -> str:
        return self.listen.rpartition(":")[0].strip("[]")

    @property
    def port(self) -> int:
        return int(self.listen.rpartition(":")[2])


class FolderTarget(_Section):
    """``publish.targets`` entry: copy the public folder into ``path`` (a mounted share)."""

    type: Literal["folder"]
    path: str = Field(min_length=1)
    name: str | None = None  # how alerts name it; default: the path


class SftpTarget(_Section):
    """``publish.targets`` entry: copy the public folder over SFTP into ``path`` on ``host``.
    The server is known by ``host_key`` (its public key line, e.g. from ``ssh-keyscan``): a
    server answering with another key is refused, never trusted on first use."""

    type: Literal["sftp"]
    host: str = Field(min_length=1)
    port: int = Field(22, ge=1, le=65535)
    user: str = Field(min_length=1)
    password: str | None = None
    key_file: str | None = None  # a private key file (relative to the station folder)
    host_key: str = Field(pattern=r"^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp\d+) [A-Za-z0-9+/=]+")
    path: str = Field(min_length=1)
    timeout_seconds: float = Field(20, gt=0, le=300)
    name: str | None = None


class WebdavTarget(_Section):
    """``publish.targets`` entry: copy the public folder to a WebDAV folder ``url`` (PUT,
    MKCOL, DELETE; basic authentication)."""

    type: Literal["webdav"]
    url: str = Field(pattern=r"^https?://[^/\s]+")
    user: str | None = None
    password: str | None = None
    timeout_seconds: float = Field(20, gt=0, le=300)
    name: str | None = None


PublishTarget = Annotated[FolderTarget | SftpTarget | WebdavTarget, Field(discriminator="type")]


# --- social pages (publish.social) --------------------------------------------------------------
def _api_url(v: str) -> str:
    if not re.match(r"^https?://[^/\s]+", v):
        raise ValueError(t("config.bad_base_url", value=v))
    return v if v.endswith("/") else v + "/"


class FacebookSettings(_Section):
    """``publish.social.facebook``: a Facebook Page, posted to through the Graph API."""

    page_id: str = Field(min_length=1, pattern=r"^[0-9]+$")
    token: SecretStr = Field(min_length=1)  # a Page access token; never printed
    api_url: str = "https://graph.facebook.com/v21.0/"
    audio: bool = True  # the speech goes up as a video (a still picture over the MP3's sound)

    _api = field_validator("api_url")(_api_url)


class ZaloSettings(_Section):
    """``publish.social.zalo``: a Zalo Official Account, posted to as OA articles."""

    token: SecretStr = Field(min_length=1)  # the OA access token; never printed
    cover_url: str = Field(pattern=r"^https?://\S+$")  # articles need a cover picture
    api_url: str = "https://openapi.zalo.me/v2.0/"
    author: str | None = Field(default=None, max_length=50)
    # OA tokens live about a day: with the app's id, its secret key and a refresh token the
    # station renews the access token itself (the renewed pair is kept in var/db/zalo-token.json)
    app_id: str | None = Field(default=None, pattern=r"^[0-9]+$")
    secret_key: SecretStr | None = None
    refresh_token: SecretStr | None = None
    oauth_url: str = "https://oauth.zaloapp.com/v4/oa/access_token"

    _api = field_validator("api_url")(_api_url)

    @field_validator("refresh_token")
    @classmethod
    def _refresh_needs_app(cls, v: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        if v is not None and (info.data.get("app_id") is None
                              or info.data.get("secret_key") is None):
            raise ValueError(t("config.zalo_refresh"))
        return v

    @property
    def can_refresh(self) -> bool:
        return self.refresh_token is not None


class SocialSettings(_Section):
    facebook: FacebookSettings | None
    zalo: ZaloSettings | None
    max_age_hours: float = Field(gt=0, le=24 * 365)
    timeout_seconds: float = Field(gt=0, le=600)
    retry_seconds: float = Field(gt=0, le=3600)
    retry_max_seconds: float = Field(gt=0, le=86400)
    max_attempts: int = Field(ge=1, le=100)
    min_interval_seconds: float = Field(ge=0, le=3600)
    max_per_hour: int = Field(ge=1, le=3600)
    check_seconds: float = Field(gt=0, le=3600)


class PublishSettings(_Section):
    enabled: bool
    when: Literal["aired", "approved"]
    base_url: str | None
    description: str | None
    bitrate_kbps: Literal[32, 48, 56, 64, 80, 96, 112, 128]
    check_seconds: float = Field(gt=0, le=3600)
    retry_seconds: float = Field(gt=0, le=3600)
    retry_max_seconds: float = Field(gt=0, le=86400)
    targets: tuple[PublishTarget, ...]
    social: SocialSettings

    @field_validator("base_url")
    @classmethod
    def _base(cls, v: str | None) -> str | None:
        if v is not None and not re.match(r"^https?://[^/\s]+", v):
            raise ValueError(t("config.bad_base_url", value=v))
        return v if v is None or v.endswith("/") else v + "/"


# --- relay & live (issue 15 points 2 and 3) ---
class RelaySettings(_Section):
    connect_seconds: float = Field(gt=0, le=60)
    read_seconds: float = Field(gt=0, le=60)
    connect_ahead_seconds: float = Field(ge=0, le=60)
    dead_seconds: float = Field(gt=0, le=60)
    silence_dbfs: float = Field(ge=-90, le=-20)
    buffer_seconds: float = Field(ge=0.1, le=10)
    max_buffer_seconds: float = Field(ge=0.2, le=20)
    return_seconds: float = Field(ge=0.1, le=30)


class LiveSettings(_Section):
    input: str | int | None


# --- feeds: upstream feeds the station takes bulletins from (feeds branch, issue 16.3) -------
_CAP_KEY = re.compile(r"^(Immediate|Expected|Future|Past|Unknown|\*)/"
                      r"(Extreme|Severe|Moderate|Minor|Unknown|\*)$")


class FeedSource(_Section):
    """``feeds.sources`` entry: another station's public feed or a CAP 1.2 source."""

    name: str = Field(min_length=1, max_length=60)
    url: str
    kind: Literal["station", "cap"]
    every: float = Field(default=300, ge=1, le=86400)  # seconds between polls
    trusted_emergency: bool = False
    # CAP only: "Urgency/Severity" (either may be "*") -> normal | priority | emergency, checked
    # before the built-in mapping, e.g. {"Expected/Severe": emergency}
    priority_map: dict[str, Literal["normal", "priority", "emergency"]] = Field(
        default_factory=dict)

    @field_validator("url")
    @classmethod
    def _url(cls, v: str) -> str:
        if not re.match(r"^https?://[^/\s]+", v):
            raise ValueError(t("config.bad_feed_url", value=v))
        return v

    @field_validator("priority_map")
    @classmethod
    def _map(cls, v: dict[str, str]) -> dict[str, str]:
        for key in v:
            if not _CAP_KEY.match(key):
                raise ValueError(t("config.bad_priority_map", key=key))
        return v


class FeedsSettings(_Section):
    timeout_seconds: float = Field(gt=0, le=300)
    max_feed_kb: int = Field(ge=1, le=102400)
    max_enclosure_mb: float = Field(gt=0, le=2048)
    backoff_max_seconds: float = Field(ge=1, le=86400)
    sources: tuple[FeedSource, ...]

    @field_validator("sources")
    @classmethod
    def _unique(cls, v: tuple[FeedSource, ...]) -> tuple[FeedSource, ...]:
        names = [s.name for s in v]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(t("config.feed_twice", names=", ".join(twice)))
        return v


# --- watchdog (ears on the output: issue 15.4) ---------------------------------------------
class WatchdogSettings(_Section):
    enabled: bool
    monitor: str = Field(min_length=1)
    mounts: tuple[str, ...]
    rate: int = Field(ge=8000, le=48000)
    block_ms: int = Field(ge=20, le=200)
    window_seconds: float = Field(ge=0.1, le=10)
    dead_air_seconds: float = Field(ge=2, le=600)
    silence_dbfs: float = Field(ge=-120, le=-10)
    sound_dbfs: float = Field(ge=-120, le=-10)
    unexpected_sound_seconds: float = Field(ge=1, le=600)
    idle_grace_seconds: float = Field(ge=0, le=600)
    mount_timeout_seconds: float = Field(ge=1, le=120)
    mount_lag_seconds: float = Field(ge=0, le=120)

    @field_validator("mounts")
    @classmethod
    def _mounts(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for url in v:
            if not re.match(r"^https?://[^/\s]+/\S*$", url):
                raise ValueError(t("config.bad_mount_url", value=url))
        return v


# --- route: outputs and zones (issue 15.1) ---------------------------------------------------
_OUTPUT_NAME = r"^[a-z0-9][a-z0-9_-]*$"


class IcecastTarget(_Section):
    """``outputs.icecast`` entry: an Icecast mount fed the same signal as the sound card."""

    name: str = Field(pattern=_OUTPUT_NAME)  # as zones, status and the as-run log name it
    url: str  # http://host:port/mount
    user: str = "source"
    password: str = Field(min_length=1)
    codec: Literal["mp3", "opus"] = "mp3"
    bitrate_kbps: int = Field(64, ge=16, le=320)

    @field_validator("url")
    @classmethod
    def _url(cls, v: str) -> str:
        if not re.match(r"^http://[^/\s]+/[^\s?#]+$", v):
            raise ValueError(t("config.bad_icecast_url", value=v))
        return v


class OutputSettings(_Section):
    soundcard: str = Field(pattern=_OUTPUT_NAME)
    icecast: tuple[IcecastTarget, ...]
    emergency_zones: tuple[str, ...]
    timeout_seconds: float = Field(gt=0, le=60)
    reconnect_max_seconds: float = Field(gt=0, le=60)


class StationSettings(_Section):
    name: str = Field(min_length=1)
    language: Literal["vi", "en"]
    timezone: str
    dialect: Literal["north", "south"]
    approval: Literal["none", "required"]
    audio: AudioSettings
    text: TextSettings
    speech: SpeechSettings
    program: ProgramSettings
    policy: PolicySettings
    playout: PlayoutSettings
    inbox: InboxSettings
    alerts: AlertSettings
    housekeeping: HousekeepingSettings
    web: WebSettings
    publish: PublishSettings
    relay: RelaySettings
    live: LiveSettings
    feeds: FeedsSettings
    watchdog: WatchdogSettings
    outputs: OutputSettings
    zones: dict[str, tuple[str, ...]]

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(t("config.bad_timezone", value=v)) from None
        return v

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def _merge(base: Any, over: Any) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for k, v in over.items():
            out[k] = _merge(base[k], v) if k in base else v
        return out
    return copy.deepcopy(over)


def _defaults() -> yamlpos.Located:
    text = resources.files("broadcaster").joinpath("defaults.yaml").read_text(encoding="utf-8")
    return yamlpos.load(text, "broadcaster/defaults.yaml")


def _model_at(path: tuple[str | int, ...]) -> type[BaseModel] | None:
    model: Any = StationSettings
    for part in path:
        field = model.model_fields.get(part) if isinstance(part, str) else None
        if field is None:
            return None
        ann = field.annotation
        if not (isinstance(ann, type) and issubclass(ann, BaseModel)):
            return None
        model = ann
    return model


def explain(exc: ValidationError, loc: yamlpos.Located) -> list[str]:
    """Turn pydantic errors into ``file:line:col: message (hint)`` lines."""
    problems = []
    for err in exc.errors():
        path = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        key = ".".join(str(p) for p in path)
        where = loc.where(path, key=err["type"] == "extra_forbidden")
        if err["type"] == "extra_forbidden":
            parent = _model_at(path[:-1])
            known = list(parent.model_fields) if parent else []
            guess = yamlpos.did_you_mean(str(path[-1]), known)
            hint = (
                t("config.did_you_mean", suggestion=guess)
                if guess
                else t("config.allowed_keys", keys=", ".join(known))
            )
            problems.append(f"{where}: {t('config.unknown_key', key=key)} ({hint})")
        elif err["type"] == "missing":
            problems.append(f"{where}: {t('config.missing', key=key)}")
        else:
            detail = describe_error(err)
            problems.append(f"{where}: {t('config.bad_value', key=key, detail=detail)}")
    return problems


@dataclass(frozen=True)
class Station:
    """A station folder and its validated settings; every path the station uses lives here."""

    root: Path
    settings: StationSettings

    @property
    def config_file(self) -> Path:
        return self.root / STATION_FILE

    @property
    def schedules_dir(self) -> Path:
        return self.root / "schedules"

    @property
    def audio_dir(self) -> Path:
        return self.root / "audio"

    @property
    def inbox_dir(self) -> Path:
        return self.root / "inbox"

    @property
    def var_dir(self) -> Path:
        return self.root / "var"

    def var(self, *parts: str) -> Path:
        """A folder under ``var/`` (cache, db, logs, archive ...), created on demand."""
        path = self.var_dir.joinpath(*parts)
        path.mkdir(parents=True, exist_ok=True)
        return path

    def resolve(self, relative: str | Path) -> Path:
        p = Path(relative)
        return p if p.is_absolute() else self.root / p

    @property
    def tz(self) -> ZoneInfo:
        return self.settings.tz


def parse_settings(text: str, source: str) -> StationSettings:
    """Validate station YAML text layered over the shipped defaults."""
    try:
        loc = yamlpos.load(text, source)
    except yamlpos.YamlSyntaxError as exc:
        duplicate = isinstance(exc, yamlpos.DuplicateKeyError)
        raise ConfigError(
            f"{exc.source}:{exc.line}:{exc.column}: {exc.plain}",
            hint=t("yaml.duplicate_key.hint" if duplicate else "config.yaml_syntax.hint"),
        ) from None
    data = loc.data if loc.data is not None else {}
    if not isinstance(data, dict):
        raise ConfigError(f"{source}:1:1: {t('config.not_mapping')}")
    merged = _merge(_defaults().data, data)
    try:
        return StationSettings.model_validate(merged)
    except ValidationError as exc:
        raise ConfigError(explain(exc, loc)) from None


def load_station(root: Path | str = ".") -> Station:
    """Open the station folder ``root`` (default: the current folder)."""
    root = Path(root).resolve()
    cfg = root / STATION_FILE
    if not cfg.is_file():
        raise ConfigError(t("station.not_found", path=root), hint=t("station.not_found.hint"))
    settings = parse_settings(cfg.read_text(encoding="utf-8-sig"), str(cfg))
    return Station(root, settings)
