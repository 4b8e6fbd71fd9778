"""Every operator-facing sentence, in Vietnamese (default) and English, in one catalog.

Language: ``BROADCASTER_LANG`` (``vi``/``en``) wins, then the station's ``language`` setting.
Use ``t("key", name=value)``; a missing key falls back to English, then to the key itself.
"""

from __future__ import annotations

import os

_language: str | None = None

CATALOG: dict[str, dict[str, str]] = {
    # --- CLI and start-up -------------------------------------------------------------------
    "cli.error": {"vi": "Lỗi: {error}", "en": "Error: {error}"},
    "cli.interrupted": {"vi": "Đã dừng theo yêu cầu (Ctrl-C).", "en": "Stopped on request (Ctrl-C)."},
    "station.not_found": {
        "vi": "Không tìm thấy đài tại {path}: thiếu tệp station.yaml",
        "en": "No station at {path}: station.yaml is missing",
    },
    "station.not_found.hint": {
        "vi": "chạy lệnh trong thư mục của đài, dùng --station THƯ_MỤC, hoặc tạo đài mới bằng 'broadcaster init THƯ_MỤC'",
        "en": "run from the station folder, pass --station DIR, or create one with 'broadcaster init DIR'",
    },
    "init.created": {"vi": "Đã tạo đài mới tại {path}", "en": "Created a new station at {path}"},
    "init.exists": {
        "vi": "{path} đã có station.yaml; không ghi đè",
        "en": "{path} already has a station.yaml; not overwriting",
    },
    "init.exists.hint": {"vi": "chọn thư mục khác", "en": "choose another folder"},
    # --- configuration ----------------------------------------------------------------------
    "config.unknown_key": {"vi": "khóa không hợp lệ '{key}'", "en": "unknown key '{key}'"},
    "config.did_you_mean": {"vi": "có phải ý bạn là '{suggestion}'?", "en": "did you mean '{suggestion}'?"},
    "config.allowed_keys": {"vi": "các khóa hợp lệ: {keys}", "en": "valid keys: {keys}"},
    "config.bad_value": {"vi": "giá trị không hợp lệ cho '{key}': {detail}", "en": "invalid value for '{key}': {detail}"},
    "config.missing": {"vi": "thiếu khóa bắt buộc '{key}'", "en": "required key '{key}' is missing"},
    "config.yaml_syntax": {"vi": "lỗi cú pháp YAML: {detail}", "en": "YAML syntax error: {detail}"},
    "config.yaml_syntax.hint": {
        "vi": "kiểm tra thụt lề (dùng dấu cách, không dùng tab) và dấu hai chấm sau mỗi khóa",
        "en": "check indentation (spaces, not tabs) and the colon after each key",
    },
    "config.not_mapping": {"vi": "tệp phải là một bảng khóa: giá trị", "en": "the file must be a mapping of key: value"},
    "config.bad_timezone": {"vi": "múi giờ không tồn tại: {value}", "en": "unknown time zone: {value}"},
    "config.bad_timezone.hint": {"vi": "ví dụ: Asia/Ho_Chi_Minh", "en": "for example Asia/Ho_Chi_Minh"},
    "config.bad_engine": {"vi": "bộ đọc không có: {value}", "en": "unknown speech engine: {value}"},
    # --- air ----------------------------------------------------------------------------------
    "air.no_device": {
        "vi": "Không có thiết bị âm thanh đầu ra ({reason}). Đài vẫn chạy và phát ra tệp WAV trong {path}.",
        "en": "No sound output device ({reason}). The station keeps running and airs to WAV files in {path}.",
    },
    "air.device": {"vi": "Phát qua thiết bị âm thanh: {device}", "en": "Playing on sound device: {device}"},
    "air.on_air": {"vi": "LÊN SÓNG lúc {when}: {slot} ({duration})", "en": "ON AIR at {when}: {slot} ({duration})"},
    "air.interrupted": {"vi": "Ngừng phát {slot}: {reason}", "en": "Airing of {slot} interrupted: {reason}"},
    "air.done": {
        "vi": "Đã phát xong {slot}: bắt đầu {started} (lệch {offset_ms} ms), lưu trữ {archive}",
        "en": "Finished {slot}: started {started} (offset {offset_ms} ms), archived {archive}",
    },
    "air.failed": {"vi": "Phát {slot} thất bại: {reason}", "en": "Airing {slot} failed: {reason}"},
    "air.missed": {"vi": "Bỏ lỡ {slot} (lịch {scheduled}): {reason}", "en": "Missed {slot} (scheduled {scheduled}): {reason}"},
    "air.preparing": {"vi": "Đang chuẩn bị chương trình {slot}…", "en": "Preparing program {slot}…"},
    "air.prepared": {
        "vi": "Chương trình {slot} đã sẵn sàng: {duration}, {items} mục",
        "en": "Program {slot} ready: {duration}, {items} items",
    },
    # --- station run --------------------------------------------------------------------------
    "run.started": {
        "vi": "Đài '{name}' đang chạy (múi giờ {tz}). Nhấn Ctrl-C để dừng.",
        "en": "Station '{name}' is running (time zone {tz}). Press Ctrl-C to stop.",
    },
    "run.next": {"vi": "  Sắp phát: {when}  {slot}", "en": "  Next: {when}  {slot}"},
    "run.no_slots": {"vi": "  Hôm nay không còn buổi phát nào theo lịch.", "en": "  No more slots scheduled today."},
    "run.stopping": {"vi": "Đang dừng đài…", "en": "Stopping the station…"},
    "run.stopped": {"vi": "Đài đã dừng.", "en": "Station stopped."},
    "demo.slot": {
        "vi": "Chế độ trình diễn: thêm buổi phát '{slot}' lúc {when} (sau {seconds} giây) với bản tin {bulletin}",
        "en": "Demo mode: added slot '{slot}' at {when} ({seconds} s from now) with bulletin {bulletin}",
    },
    "devices.none": {
        "vi": "Không có thiết bị âm thanh đầu ra: {reason}",
        "en": "No sound output device: {reason}",
    },
    # --- as-run log ---------------------------------------------------------------------------
    "log.bad_date": {"vi": "ngày không hợp lệ '{value}' (dạng YYYY-MM-DD)", "en": "invalid date '{value}' (use YYYY-MM-DD)"},
    "log.empty": {"vi": "Chưa có lượt phát nào trong nhật ký {date}.", "en": "No airings logged for {date}."},
    # --- text stage ---------------------------------------------------------------------------
    "text.unreadable": {"vi": "Không đọc được tệp {path}: {reason}", "en": "Cannot read {path}: {reason}"},
    "text.empty": {"vi": "Tệp {path} không có nội dung để đọc", "en": "{path} has nothing to read on air"},
    "text.empty.hint": {"vi": "kiểm tra lại tệp có chữ hay không", "en": "check that the file contains text"},
    # --- speech stage -------------------------------------------------------------------------
    "speech.rendering": {"vi": "Đang đọc {file}", "en": "Speaking {file}"},
    "speech.rendered": {
        "vi": "Đã ghi {path} ({seconds} giây, bộ đọc {engine}, giọng {voice})",
        "en": "Wrote {path} ({seconds} s, engine {engine}, voice {voice})",
    },
    "speech.fallback": {
        "vi": "Chú ý: bản tin do bộ đọc dự phòng {engine} đọc ({note})",
        "en": "Note: the bulletin was spoken by fallback engine {engine} ({note})",
    },
    "engines.ok": {"vi": "đã cài", "en": "installed"},
    "engines.missing": {"vi": "CHƯA CÀI", "en": "NOT INSTALLED"},
    "engines.local": {"vi": "ngoại tuyến", "en": "offline"},
    "engines.reachable": {"vi": "kết nối được", "en": "reachable"},
    "engines.unreachable": {"vi": "KHÔNG KẾT NỐI ĐƯỢC", "en": "UNREACHABLE"},
    "engines.voices": {"vi": "giọng", "en": "voices"},
    "engines.last_error": {"vi": "lỗi gần nhất", "en": "last error"},
    # --- program stage ------------------------------------------------------------------------
    "program.audio_missing": {"vi": "không có tệp âm thanh", "en": "audio file not found"},
    "program.audio_corrupt": {"vi": "tệp âm thanh hỏng hoặc không đọc được ({reason})", "en": "audio file is corrupt or unreadable ({reason})"},
    "program.item_skipped": {"vi": "Bỏ qua '{item}' trong chương trình: {reason}", "en": "Left '{item}' out of the program: {reason}"},
    "program.truncated": {"vi": "tệp âm thanh bị cụt ({got} / {want} mẫu)", "en": "audio file is truncated ({got} of {want} samples)"},
    "program.no_speech": {"vi": "không có giọng đọc cho '{item}'", "en": "no speech for '{item}'"},
    "program.overlong": {
        "vi": "Chương trình dài {minutes} phút, vượt giới hạn {limit} phút",
        "en": "The program runs {minutes} min, over the {limit} min limit",
    },
    "program.dropped": {"vi": "Chuyển bản tin '{item}' sang buổi sau (chương trình quá dài)", "en": "Moved bulletin '{item}' to the next slot (program too long)"},
    "program.trimmed": {"vi": "Cắt nhạc '{item}' còn {seconds} giây (chương trình quá dài)", "en": "Cut music '{item}' to {seconds} s (program too long)"},
    "program.still_overlong": {
        "vi": "Chương trình vẫn dài {minutes} phút sau khi xử lý; bản tin khẩn cấp không bị bỏ",
        "en": "The program still runs {minutes} min after the policy; emergency bulletins are never dropped",
    },
    "program.loudness_off": {
        "vi": "Độ to chương trình {measured} LUFS, lệch mục tiêu {target} LUFS",
        "en": "Program loudness {measured} LUFS is off the {target} LUFS target",
    },
}


def set_language(lang: str | None) -> None:
    """Set the default language (the station setting); the environment still wins."""
    global _language
    _language = lang


def language() -> str:
    env = os.environ.get("BROADCASTER_LANG", "").strip().lower()[:2]
    if env in ("vi", "en"):
        return env
    return _language if _language in ("vi", "en") else "vi"


def t(msg_id: str, /, **params: object) -> str:
    """The message ``key`` in the current language, formatted with ``params``."""
    entry = CATALOG.get(msg_id)
    if entry is None:
        return msg_id
    template = entry.get(language()) or entry.get("en") or msg_id
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template
