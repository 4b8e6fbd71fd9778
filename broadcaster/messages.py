"""Every operator-facing sentence, in Vietnamese (default) and English, in one catalog.

Language: ``BROADCASTER_LANG`` (``vi``/``en``) wins, then the station's ``language`` setting.
Use ``t("key", name=value)``; a missing key falls back to English, then to the key itself.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

_language: str | None = None

CATALOG: dict[str, dict[str, str]] = {
    # --- lead: pipeline, station assembly, late bulletins ----------------------------------
    "status.next_airing": {"vi": "phát lần tới", "en": "next airing"},
    "status.awaiting": {"vi": "chờ duyệt", "en": "awaiting approval"},
    "outcome.on_air": {"vi": "đang phát", "en": "on air"},
    "outcome.aired": {"vi": "đã phát", "en": "aired"},
    "outcome.late": {"vi": "phát trễ", "en": "late"},
    "outcome.missed": {"vi": "bỏ lỡ", "en": "missed"},
    "outcome.interrupted": {"vi": "bị ngắt", "en": "interrupted"},
    "outcome.failed": {"vi": "lỗi", "en": "failed"},
    "outcome.emergency": {"vi": "khẩn cấp", "en": "emergency"},
    "outcome.skipped": {"vi": "bỏ qua", "en": "skipped"},
    "log.head": {"vi": "{scheduled:<8}  {started:<12}  {offset:>8}  {outcome:<11}  buổi / ghi chú",
                 "en": "{scheduled:<8}  {started:<12}  {offset:>8}  {outcome:<11}  slot / reason"},
    "log.col.scheduled": {"vi": "lịch", "en": "scheduled"},
    "log.col.started": {"vi": "bắt đầu", "en": "started"},
    "log.col.offset": {"vi": "lệch", "en": "offset"},
    "log.col.outcome": {"vi": "kết quả", "en": "outcome"},
    "inbox.taken": {"vi": "Đã nhận bản tin {id} (phiên bản {version}): {title} — {state}",
                    "en": "Bulletin {id} (version {version}) taken: {title} — {state}"},
    "state.received": {"vi": "đã nhận", "en": "received"},
    "state.awaiting_approval": {"vi": "chờ duyệt", "en": "awaiting approval"},
    "state.approved": {"vi": "đã duyệt", "en": "approved"},
    "state.rejected": {"vi": "bị từ chối", "en": "rejected"},
    "state.expired": {"vi": "hết hạn", "en": "expired"},
    "state.withdrawn": {"vi": "đã rút", "en": "withdrawn"},
    "report.title": {"vi": "Báo cáo phát thanh tháng {month}", "en": "Broadcast report for {month}"},
    "report.total": {"vi": "Tổng thời lượng phát", "en": "Total airtime"},
    "report.per_slot": {"vi": "Theo buổi phát", "en": "Per slot"},
    "report.per_bulletin": {"vi": "Theo bản tin", "en": "Per bulletin"},
    "report.emergencies": {"vi": "Phát khẩn cấp", "en": "Emergencies"},
    "report.problems": {"vi": "Trễ, bỏ lỡ, lỗi, bị ngắt", "en": "Late, missed, failed, interrupted"},
    "report.slot_cols": {"vi": "mã|tên buổi|kế hoạch|đã phát|trễ|bỏ lỡ|lỗi|bị ngắt|thời lượng",
                         "en": "id|slot|planned|aired|late|missed|failed|interrupted|airtime"},
    "report.bulletin_cols": {"vi": "mã|tiêu đề|số lần phát|phiên bản|buổi",
                             "en": "id|title|airings|versions|slots"},
    "report.row_cols": {"vi": "lịch|buổi|kết quả|bắt đầu|ghi chú",
                        "en": "scheduled|slot|outcome|started|reason"},
    "air.bulletin_late": {
        "vi": "Bản tin {id} đến quá sát giờ phát của buổi {slot}: sẽ phát ở buổi kế tiếp",
        "en": "Bulletin {id} came too close to the start of {slot}: it airs in the next slot",
    },
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
    # --- validation (pydantic error types, schedule checks) ---------------------------------
    "v.missing": {"vi": "thiếu giá trị bắt buộc", "en": "a value is required"},
    "v.literal_error": {"vi": "phải là một trong: {expected}", "en": "must be one of: {expected}"},
    "v.greater_than_equal": {"vi": "phải lớn hơn hoặc bằng {ge}", "en": "must be at least {ge}"},
    "v.greater_than": {"vi": "phải lớn hơn {gt}", "en": "must be greater than {gt}"},
    "v.less_than_equal": {"vi": "phải nhỏ hơn hoặc bằng {le}", "en": "must be at most {le}"},
    "v.less_than": {"vi": "phải nhỏ hơn {lt}", "en": "must be less than {lt}"},
    "v.int_parsing": {"vi": "phải là số nguyên", "en": "must be a whole number"},
    "v.int_type": {"vi": "phải là số nguyên", "en": "must be a whole number"},
    "v.float_parsing": {"vi": "phải là một số", "en": "must be a number"},
    "v.float_type": {"vi": "phải là một số", "en": "must be a number"},
    "v.bool_parsing": {"vi": "phải là true hoặc false", "en": "must be true or false"},
    "v.bool_type": {"vi": "phải là true hoặc false", "en": "must be true or false"},
    "v.string_type": {"vi": "phải là chuỗi chữ", "en": "must be text"},
    "v.too_short": {"vi": "cần ít nhất {min_length} mục", "en": "needs at least {min_length} item(s)"},
    "v.string_too_short": {"vi": "không được để trống", "en": "must not be empty"},
    "v.tuple_type": {"vi": "phải là một danh sách [..]", "en": "must be a list [..]"},
    "v.list_type": {"vi": "phải là một danh sách [..]", "en": "must be a list [..]"},
    "v.model_type": {"vi": "phải là một bảng khóa: giá trị", "en": "must be a mapping of key: value"},
    "v.dict_type": {"vi": "phải là một bảng khóa: giá trị", "en": "must be a mapping of key: value"},
    "v.unknown_key": {"vi": "khóa không hợp lệ '{key}' ({hint})", "en": "unknown key '{key}' ({hint})"},
    "v.did_you_mean": {"vi": "có phải ý bạn là '{guess}'?", "en": "did you mean '{guess}'?"},
    "v.valid_keys": {"vi": "các khóa hợp lệ: {keys}", "en": "valid keys: {keys}"},
    "v.item_kind": {"vi": "mục chương trình không rõ loại ({hint})", "en": "program item has no known kind ({hint})"},
    "v.item_kinds": {"vi": "một trong: {kinds}", "en": "one of: {kinds}"},
    "v.bad_time": {"vi": "'{value}' không phải giờ dạng HH:MM hoặc HH:MM:SS (ví dụ 06:00)",
                   "en": "'{value}' is not a time of day HH:MM or HH:MM:SS (e.g. 06:00)"},
    "v.bad_id": {"vi": "'{value}' chỉ được gồm chữ thường không dấu, số, '-' hoặc '_' (ví dụ sang)",
                 "en": "'{value}' must be lower-case letters, digits, '-' or '_' (e.g. sang)"},
    "v.bad_day": {"vi": "'{value}' không phải ngày trong tuần: dùng t2..t7, cn hoặc mon..sun{hint}",
                  "en": "'{value}' is not a day: use mon..sun or t2..t7, cn{hint}"},
    "v.dup_ids": {"vi": "mã buổi phát bị trùng: {ids}", "en": "slot id used twice: {ids}"},
    "v.yaml": {"vi": "lỗi cú pháp YAML: {detail} (kiểm tra thụt lề bằng dấu cách và 'khóa: giá trị')",
               "en": "YAML syntax error: {detail} (check indentation: spaces, and 'key: value')"},
    "v.unreadable": {"vi": "không đọc được tệp: {detail}", "en": "cannot read the file: {detail}"},
    "v.not_mapping": {"vi": "tệp lịch phải là bảng khóa: giá trị (slots: ...)",
                      "en": "a schedule file must be a mapping (slots: ...)"},
    "v.file_name": {"vi": "tệp lịch phải tên week.yaml hoặc YYYY-MM-DD.yaml",
                    "en": "schedule files are named week.yaml or YYYY-MM-DD.yaml"},
    "v.quiet": {"vi": "buổi '{slot}' bắt đầu lúc {at}, trong giờ không phát {hours} (đổi giờ, hoặc sửa policy.quiet_hours trong station.yaml)",
                "en": "slot '{slot}' starts at {at}, inside quiet hours {hours} (move it, or change policy.quiet_hours in station.yaml)"},
    "v.day_banned": {"vi": "buổi '{slot}' phát vào {days}, không phải ngày phát sóng (policy.broadcast_days trong station.yaml)",
                     "en": "slot '{slot}' airs on {days}, not a broadcast day (policy.broadcast_days in station.yaml)"},
    "v.too_long": {"vi": "buổi '{slot}' dài tới {minutes} phút, quá thời lượng tối đa {limit} phút của đài (rút ngắn lại)",
                   "en": "slot '{slot}' may run {minutes} min, longer than the station's maximum session of {limit} min (shorten it)"},
    "v.file_missing": {"vi": "không tìm thấy tệp {kind}: {path} (kiểm tra tên tệp; đường dẫn tính từ thư mục của đài)",
                       "en": "{kind} file not found: {path} (check the name; paths are relative to the station folder)"},
    "v.dup_slot": {"vi": "mã buổi '{slot}' bị dùng hai lần (mỗi buổi một mã riêng)",
                   "en": "slot id '{slot}' is used twice (ids must be unique)"},
    "v.overlap": {"vi": "buổi '{slot}' lúc {at} trùng với buổi '{other}' ({other_at} + tối đa {minutes} phút; dời một buổi hoặc đặt max_minutes)",
                  "en": "slot '{slot}' at {at} overlaps slot '{other}' ({other_at} + up to {minutes} min; move one or set max_minutes)"},
    "v.cancel_unknown": {"vi": "cancel: '{slot}' không có trong week.yaml ({hint})",
                         "en": "cancel: '{slot}' is not a slot of week.yaml ({hint})"},
    "v.see_week": {"vi": "xem mã buổi trong week.yaml", "en": "see week.yaml for slot ids"},
    # --- air ----------------------------------------------------------------------------------
    "air.no_device": {
        "vi": "Không có thiết bị âm thanh đầu ra ({reason}). Đài vẫn chạy và phát ra tệp {fmt} trong {path}.",
        "en": "No sound output device ({reason}). The station keeps running and airs to {fmt} files in {path}.",
    },
    "air.no_device_no_sink": {
        "vi": "Không có thiết bị âm thanh đầu ra ({reason}) và audio.file_sink_when_no_device đang tắt: đài không có nơi để phát.",
        "en": "No sound output device ({reason}) and audio.file_sink_when_no_device is off: the station has nowhere to air.",
    },
    "air.no_device_no_sink.hint": {
        "vi": "cắm card âm thanh, chọn audio.output_device (xem 'broadcaster devices') hoặc đặt file_sink_when_no_device: true",
        "en": "connect a sound card, pick audio.output_device (see 'broadcaster devices') or set file_sink_when_no_device: true",
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
    "program.no_slot": {"vi": "Không có buổi phát '{slot}' ngày {date}", "en": "No slot '{slot}' on {date}"},
    "program.total": {"vi": "Tổng: {duration}, độ lớn {lufs} LUFS, đỉnh thật {peak} dBTP",
                      "en": "Total: {duration}, loudness {lufs} LUFS, true peak {peak} dBTP"},
    "program.written": {"vi": "Đã ghi chương trình vào {path}", "en": "Program written to {path}"},
    "validate.ok": {"vi": "{path}: hợp lệ", "en": "{path}: valid"},
    # --- control channel -------------------------------------------------------------------
    "control.not_running": {"vi": "Đài chưa chạy (không kết nối được)", "en": "The station is not running (cannot connect)"},
    "control.not_running.hint": {"vi": "khởi động bằng 'broadcaster run' trong thư mục của đài",
                                 "en": "start it with 'broadcaster run' in the station folder"},
    "control.bad_token": {"vi": "mã truy cập không đúng", "en": "wrong access token"},
    "control.bad_reply": {"vi": "đài trả lời không hợp lệ", "en": "invalid reply from the station"},
    "control.unknown": {"vi": "lệnh không có: {cmd}", "en": "unknown command: {cmd}"},
    "control.skipped": {"vi": "Đã dừng chương trình đang phát: {slot}", "en": "Skipped the program on air: {slot}"},
    "control.nothing_on_air": {"vi": "Không có chương trình nào đang phát", "en": "Nothing is on air"},
    "control.stopping": {"vi": "Đài đang dừng theo yêu cầu", "en": "The station is stopping on request"},
    "control.loaded": {"vi": "Đã nạp lịch {path}: {slots} buổi phát", "en": "Loaded schedule {path}: {slots} slot(s)"},
    "control.load_refused": {"vi": "Lịch {path} không hợp lệ, vẫn giữ lịch cũ:\n{problems}",
                             "en": "Schedule {path} is invalid; the previous schedule keeps running:\n{problems}"},
    "emergency.queued": {"vi": "Bản tin khẩn cấp lên sóng lúc {when} (lặp {repeat} lần)",
                         "en": "Emergency message on air at {when} (repeated {repeat} times)"},
    "emergency.sent": {"vi": "Đài đã nhận bản tin khẩn cấp: lên sóng ngay, lặp {repeat} lần ({seconds} giây)",
                       "en": "The station took the emergency message: on air now, {repeat} time(s) ({seconds} s)"},
    "emergency.need_text": {"vi": "cần tệp bản tin (văn bản hoặc ghi âm) hoặc --text",
                            "en": "a bulletin file (text or a recording) or --text is needed"},
    "emergency.audio_missing": {"vi": "không thấy tệp ghi âm khẩn cấp {path}: gửi lại tệp",
                                "en": "the emergency recording {path} is not there: send the file again"},
    "emergency.audio_sent": {"vi": "Đã đưa bản ghi âm khẩn cấp lên sóng ({repeat} lần, khoảng {seconds} giây).",
                             "en": "The emergency recording is going on air ({repeat} times, about {seconds} s)."},
    "web.emergency_audio": {"vi": "hoặc tệp ghi âm (mp3, m4a, ogg, wav, amr...)",
                            "en": "or a recording (mp3, m4a, ogg, wav, amr...)"},
    "web.emergency_audio_chosen": {"vi": "Phát tệp ghi âm: {name}", "en": "Airing the recording: {name}"},
    "web.emergency_audio_bad": {"vi": "{name} không phải tệp âm thanh đọc được: gửi bản ghi mp3, m4a, ogg hoặc wav",
                                "en": "{name} is not a readable audio file: send an mp3, m4a, ogg or wav recording"},
    "status.on_air": {"vi": "Đang phát: {slot} (từ {since})", "en": "On air: {slot} (since {since})"},
    "status.idle": {"vi": "Đang phát: không", "en": "On air: nothing"},
    "status.next": {"vi": "Sắp phát:", "en": "Next:"},
    "status.bulletins": {"vi": "Bản tin chờ phát: {n}", "en": "Bulletins waiting to air: {n}"},
    "status.engines": {"vi": "Bộ đọc:", "en": "Speech engines:"},
    "status.output": {"vi": "Đầu ra: {output}", "en": "Output: {output}"},
    # --- as-run log ---------------------------------------------------------------------------
    "log.bad_date": {"vi": "ngày không hợp lệ '{value}' (dạng YYYY-MM-DD)", "en": "invalid date '{value}' (use YYYY-MM-DD)"},
    "log.empty": {"vi": "Chưa có lượt phát nào trong nhật ký {date}.", "en": "No airings logged for {date}."},
    # --- text stage ---------------------------------------------------------------------------
    "text.unreadable": {"vi": "Không đọc được tệp {path}: {reason}", "en": "Cannot read {path}: {reason}"},
    "text.empty": {"vi": "Tệp {path} không có nội dung để đọc", "en": "{path} has nothing to read on air"},
    "text.empty.hint": {"vi": "kiểm tra lại tệp có chữ hay không", "en": "check that the file contains text"},
    "text.unreadable.hint": {
        "vi": "lưu lại tệp dạng văn bản (.txt, mã UTF-8) hoặc Word (.docx) rồi thả lại vào hộp thư",
        "en": "save the file again as text (.txt, UTF-8) or Word (.docx) and drop it in the inbox again",
    },
    "text.dropped": {"vi": "(bỏ, không đọc)", "en": "(dropped, not read)"},
    "text.binary": {"vi": "tệp không phải văn bản (có dữ liệu nhị phân)", "en": "not a text file (binary data)"},
    "text.too_large": {
        "vi": "tệp quá lớn ({size} MB, tối đa {limit} MB) cho một bản tin",
        "en": "file too large ({size} MB, at most {limit} MB) for a bulletin",
    },
    "text.bad_docx": {"vi": "tệp Word hỏng hoặc không phải .docx", "en": "damaged Word file or not a .docx"},
    "text.old_doc": {
        "vi": "tệp Word cũ (.doc) chưa được hỗ trợ",
        "en": "old Word files (.doc) are not supported",
    },
    "text.old_doc.hint": {
        "vi": "mở tệp trong Word và chọn Lưu thành .docx",
        "en": "open it in Word and Save As .docx",
    },
    "frontmatter.unclosed": {
        "vi": "phần khai báo đầu tệp mở bằng '---' nhưng không có dòng '---' đóng lại",
        "en": "front matter opened with '---' but never closed with a '---' line",
    },
    "frontmatter.unclosed.hint": {
        "vi": "thêm một dòng chỉ có '---' sau phần khai báo",
        "en": "add a line containing only '---' after the front matter",
    },
    "frontmatter.syntax": {"vi": "lỗi cú pháp phần khai báo: {detail}", "en": "front matter syntax error: {detail}"},
    "frontmatter.not_mapping": {
        "vi": "phần khai báo phải là các dòng 'khóa: giá trị'",
        "en": "front matter must be 'key: value' lines",
    },
    "frontmatter.unknown_key": {"vi": "khóa không hợp lệ '{key}'", "en": "unknown key '{key}'"},
    "frontmatter.bad_value": {"vi": "giá trị không hợp lệ cho '{key}': {detail}", "en": "invalid value for '{key}': {detail}"},
    "frontmatter.hint": {
        "vi": "các khóa hợp lệ: title, tags, priority (normal/priority/emergency), from, until, slots, repeat, voice, engine",
        "en": "valid keys: title, tags, priority (normal/priority/emergency), from, until, slots, repeat, voice, engine",
    },
    "frontmatter.expect_text": {"vi": "cần một dòng chữ", "en": "expected text"},
    "frontmatter.expect_list": {"vi": "cần một danh sách chữ", "en": "expected a list of text"},
    "frontmatter.expect_priority": {
        "vi": "chỉ nhận normal, priority hoặc emergency (thường, ưu tiên, khẩn cấp)",
        "en": "must be normal, priority or emergency",
    },
    "frontmatter.expect_datetime": {
        "vi": "cần ngày giờ dạng 2025-06-01 06:30",
        "en": "expected a date and time like 2025-06-01 06:30",
    },
    "frontmatter.expect_repeat": {"vi": "cần số nguyên từ 1 đến 50", "en": "expected a whole number from 1 to 50"},
    "frontmatter.window": {"vi": "'until' phải sau 'from'", "en": "'until' must be after 'from'"},
    "lexicon.bad": {"vi": "tệp từ viết tắt {path} không hợp lệ: {detail}", "en": "abbreviation file {path} is invalid: {detail}"},
    "lexicon.unreadable": {"vi": "không đọc được tệp từ viết tắt {path}: {reason}", "en": "cannot read abbreviation file {path}: {reason}"},
    "lexicon.not_mapping": {"vi": "phải là các dòng 'VIẾT_TẮT: cách đọc'", "en": "must be 'ABBREVIATION: spoken form' lines"},
    "lexicon.bad_entry": {"vi": "mục '{key}' phải có cách đọc là chữ", "en": "entry '{key}' needs a spoken form in words"},
    "lexicon.digits": {"vi": "cách đọc của '{key}' có chữ số; hãy viết bằng chữ", "en": "the spoken form of '{key}' has digits; write them in words"},
    "lexicon.hint": {
        "vi": "ví dụ một dòng: 'UBND: Ủy ban nhân dân'",
        "en": "for example one line: 'UBND: Ủy ban nhân dân'",
    },
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
    "program.table.columns": {
        "vi": "Bắt đầu|Dài|Loại|Mục|LUFS|dBTP|Ghi chú",
        "en": "Start|Length|Kind|Item|LUFS|dBTP|Flags",
    },
    "program.table.total": {
        "vi": "Tổng {duration}, độ to {lufs} LUFS, đỉnh thực {dbtp} dBTP",
        "en": "Total {duration}, loudness {lufs} LUFS, true peak {dbtp} dBTP",
    },
    "program.table.dropped": {"vi": "Chuyển sang buổi sau: {items}", "en": "Moved to the next slot: {items}"},
    # program stage: emergency program
    "program.emergency_repeat": {"vi": "Số lần lặp bản tin khẩn cấp phải từ 1 trở lên (đang là {repeat})", "en": "An emergency message must be repeated at least once (got {repeat})"},
    # --- inbox, bulletin store, approval (issue 7) ---------------------------------------------
    "store.unknown_id": {"vi": "Không có bản tin mã '{id}'", "en": "No bulletin with id '{id}'"},
    "store.did_you_mean": {"vi": "có phải ý bạn là '{suggestion}'?", "en": "did you mean '{suggestion}'?"},
    "store.list_hint": {"vi": "xem danh sách bằng 'broadcaster bulletins'", "en": "list them with 'broadcaster bulletins'"},
    "store.changed_since": {
        "vi": "Bản tin '{id}' vừa có phiên bản mới; hãy xem lại rồi duyệt lại",
        "en": "Bulletin '{id}' has just changed; review it and approve again",
    },
    "store.not_approvable": {
        "vi": "Bản tin '{id}' đã {state} ({reason}) nên không còn phát được; không duyệt được",
        "en": "Bulletin '{id}' is {state} ({reason}) and can no longer air, so it cannot be approved",
    },
    "store.not_approvable.expired": {
        "vi": "muốn phát lại: thả lại tệp {source} vào inbox/ với 'until' hoặc 'repeat' mới",
        "en": "to air it again, drop {source} into inbox/ again with a new 'until' or 'repeat'",
    },
    "store.not_approvable.withdrawn": {
        "vi": "muốn phát lại: thả lại tệp {source} vào inbox/ (một phiên bản mới cần duyệt)",
        "en": "to air it again, drop {source} into inbox/ again (a new version to approve)",
    },
    "store.old_version": {
        "vi": "Bản tin '{id}' phiên bản {asked} đã được thay bằng phiên bản {current}; hãy xem phiên bản {current} rồi duyệt",
        "en": "Bulletin '{id}' version {asked} was replaced by version {current}; review version {current}, then approve it",
    },
    "store.reason_needed": {"vi": "Cần ghi lý do từ chối (--reason)", "en": "A reason is required (--reason)"},
    "store.aired_enough": {"vi": "đã phát đủ {n} lần", "en": "aired {n} times as asked"},
    "store.window_over": {"vi": "hết thời hạn phát ({until})", "en": "air window ended ({until})"},
    "store.approved": {"vi": "Đã duyệt bản tin '{id}' phiên bản {version} ({title})", "en": "Approved bulletin '{id}' version {version} ({title})"},
    "store.rejected": {"vi": "Đã từ chối bản tin '{id}': {reason}", "en": "Rejected bulletin '{id}': {reason}"},
    "store.withdrawn": {"vi": "Đã rút bản tin '{id}': {reason}", "en": "Withdrawn bulletin '{id}': {reason}"},
    "store.none": {"vi": "Chưa có bản tin nào.", "en": "No bulletins yet."},
    "inbox.deleted": {"vi": "tệp {source} đã bị xóa khỏi hộp thư", "en": "file {source} was deleted from the inbox"},
    "inbox.bad_type": {
        "vi": "Tệp {name} có đuôi {ext}: đài chỉ đọc được tệp văn bản .txt, tệp Word .docx, tệp .odt và tệp .pdf có chữ",
        "en": "{name} has extension {ext}: only .txt text, .docx Word, .odt and .pdf files with text can be read",
    },
    "inbox.bad_type.fix": {
        "vi": "Mở tệp, chọn Lưu thành (Save As) kiểu 'Plain Text (.txt)' hoặc 'Word Document (.docx)', rồi thả lại vào thư mục inbox",
        "en": "Open the file, Save As 'Plain Text (.txt)' or 'Word Document (.docx)' and drop it into inbox again",
    },
    "inbox.empty": {"vi": "Tệp {name} trống (0 byte)", "en": "{name} is empty (0 bytes)"},
    "inbox.empty.fix": {
        "vi": "Có thể tệp chưa được lưu xong. Lưu lại nội dung bản tin rồi thả lại vào thư mục inbox",
        "en": "It may not have been saved completely. Save the bulletin again and drop it into inbox",
    },
    "inbox.too_big": {
        "vi": "Tệp {name} quá lớn ({mb} MB; tối đa {limit} MB)",
        "en": "{name} is too large ({mb} MB; at most {limit} MB)",
    },
    "inbox.too_big.fix": {
        "vi": "Bản tin chỉ nên là văn bản vài trang: bỏ hình ảnh, hoặc chép phần chữ sang tệp .txt mới",
        "en": "A bulletin is a few pages of text: remove pictures, or copy the text into a new .txt file",
    },
    "inbox.nothing": {"vi": "Tệp {name} không có chữ nào để đọc lên loa", "en": "{name} has nothing to read on air"},
    "inbox.nothing.fix": {
        "vi": "Kiểm tra tệp có nội dung bản tin (không chỉ có phần đầu --- ... ---) rồi thả lại",
        "en": "Check that the file has the bulletin text (not only the --- ... --- header) and drop it again",
    },
    "inbox.crash": {
        "vi": "Không đọc được tệp {name} do lỗi của chương trình ({error})",
        "en": "{name} could not be read because of a program error ({error})",
    },
    "inbox.generic.fix": {
        "vi": "Lưu lại tệp dạng .txt (UTF-8) hoặc .docx rồi thả lại vào thư mục inbox; nếu vẫn lỗi, báo cho kỹ thuật viên của đài",
        "en": "Save the file again as .txt (UTF-8) or .docx and drop it into inbox; if it still fails, tell the station's technician",
    },
    "inbox.previous_kept": {
        "vi": "Bản tin cũ (mã {id}, phiên bản {version}) vẫn được giữ nguyên và phát như trước.",
        "en": "The previous bulletin ({id}, version {version}) is kept and airs as before.",
    },
    "inbox.loi": {
        "vi": "TỆP BỊ TỪ CHỐI: {source}\nThời gian: {when}\n\nLỗi: {problem}\n\nCách sửa: {fix}\n\n{kept}\nTệp gốc được giữ nguyên ở thư mục này (inbox/rejected). Sau khi sửa, hãy thả tệp vào thư mục inbox; có thể xóa tệp này.\n",
        "en": "FILE REJECTED: {source}\nTime: {when}\n\nProblem: {problem}\n\nHow to fix: {fix}\n\n{kept}\nThe original file is kept in this folder (inbox/rejected). When fixed, drop it into inbox; this note can be deleted.\n",
    },
    "inbox.watching": {"vi": "Đang theo dõi hộp thư {path}", "en": "Watching the inbox {path}"},
    "inbox.ingested": {"vi": "Nhận bản tin {id} phiên bản {version} từ {source} ({state})", "en": "Received bulletin {id} version {version} from {source} ({state})"},
    "inbox.rejected_file": {"vi": "Từ chối tệp {source}: {problem}", "en": "Rejected file {source}: {problem}"},
    # --- operations: lock, doctor, alerts, reports (issue 7) ------------------------------------
    "lock.busy": {
        "vi": "Đài đã đang chạy ở tiến trình khác (khóa {path})",
        "en": "The station is already running in another process (lock {path})",
    },
    "lock.busy.hint": {
        "vi": "dừng tiến trình đang chạy (hoặc dịch vụ broadcaster) trước khi chạy lại",
        "en": "stop the running process (or the broadcaster service) first",
    },
    "doctor.ok": {"vi": "ĐẠT", "en": "OK"},
    "doctor.warn": {"vi": "CẢNH BÁO", "en": "WARN"},
    "doctor.fail": {"vi": "LỖI", "en": "FAIL"},
    "doctor.device.none": {"vi": "không có đầu ra âm thanh ({reason})", "en": "no sound output ({reason})"},
    "doctor.device.file_sink": {"vi": "; đài phát ra tệp trong var/archive", "en": "; airing to files in var/archive"},
    "doctor.device.default": {"vi": "đầu ra mặc định: {name} (thấy {n} thiết bị)", "en": "default output: {name} ({n} found)"},
    "doctor.device.missing": {
        "vi": "không thấy đầu ra đã cấu hình '{want}' (đang có: {names})",
        "en": "configured output '{want}' not found (have: {names})",
    },
    "doctor.device.ok": {"vi": "đầu ra: {name}", "en": "output: {name}"},
    "doctor.engines.setup": {"vi": "không khởi tạo được bộ đọc: {error}", "en": "cannot set up speech engines: {error}"},
    "doctor.engine.unavailable": {"vi": "không dùng được: {error}", "en": "not available: {error}"},
    "doctor.engine.no_route": {"vi": "máy chủ của bộ đọc không trả lời (kiểm tra mạng Internet, DNS)",
                               "en": "the engine's server does not answer (check the Internet connection, DNS)"},
    "doctor.engine.unreachable": {"vi": "không kết nối được: {error}", "en": "unreachable: {error}"},
    "doctor.engine.reachable": {"vi": "kết nối được, cầu dao {breaker}", "en": "reachable, breaker {breaker}"},
    "doctor.engine.local": {"vi": "chạy trên máy, cầu dao {breaker}", "en": "local, breaker {breaker}"},
    "doctor.engines.none": {"vi": "không bộ đọc nào đọc được", "en": "no speech engine can speak"},
    "doctor.disk": {"vi": "còn trống {free} MB trên {total} MB tại {path}", "en": "{free} MB free of {total} MB at {path}"},
    "doctor.clock": {
        "vi": "múi giờ của đài {tz} (UTC{offset}), bây giờ {now}; múi giờ của máy {system}",
        "en": "station {tz} (UTC{offset}), now {now}; system zone {system}",
    },
    "doctor.clock.other_zone": {
        "vi": " — đồng hồ máy đặt múi giờ khác; đài vẫn dùng múi giờ trong cấu hình, nhưng nên kiểm tra múi giờ của máy",
        "en": " — the machine's clock shows another zone; the station uses its own setting, but check the PC's time zone",
    },
    "doctor.ntp.unknown": {
        "vi": "hệ điều hành không cho biết đồng hồ có được đồng bộ (NTP) hay không; hãy kiểm tra bằng tay",
        "en": "the OS does not say whether the clock is synchronized (NTP); check it by hand",
    },
    "doctor.ntp.ok": {"vi": "đồng hồ đã đồng bộ (NTP)", "en": "NTP synchronized"},
    "doctor.ntp.bad": {"vi": "đồng hồ CHƯA đồng bộ (NTP)", "en": "clock NOT synchronized (NTP)"},
    "doctor.schedule.slots": {"vi": "{day}: {n} buổi phát: {times}", "en": "{day}: {n} slot(s): {times}"},
    "doctor.schedule.none": {"vi": "{day}: không có buổi phát nào", "en": "{day}: no slots"},
    "doctor.inbox.missing": {"vi": "{path} không tồn tại", "en": "{path} does not exist"},
    "doctor.inbox.readonly": {"vi": "không ghi được vào {path}", "en": "{path} is not writable by this user"},
    "doctor.inbox.empty": {"vi": "{path}: chưa có bản tin nào", "en": "{path}: no bulletins yet"},
    "doctor.inbox.summary": {
        "vi": "{active} bản tin đang dùng, {waiting} chờ duyệt, {rejected} tệp bị từ chối, {pending} tệp đang nhận dở",
        "en": "{active} active bulletin(s), {waiting} awaiting approval, {rejected} rejected file(s), {pending} intake(s) unfinished",
    },
    "doctor.station.stopped": {"vi": "đài không chạy", "en": "the station is not running"},
    "doctor.station.no_beat": {"vi": "đài đang chạy nhưng chưa có tệp nhịp tim", "en": "running, but no heartbeat file yet"},
    "doctor.station.stale": {
        "vi": "nhịp tim cách đây {age} giây; thành phần lỗi: {bad}",
        "en": "heartbeat {age} s old; unhealthy: {bad}",
    },
    "doctor.station.ok": {"vi": "đang chạy (PID {pid}), nhịp tim {age} giây trước", "en": "running (PID {pid}), heartbeat {age} s ago"},
    "doctor.summary": {
        "vi": "Kết luận: {ok} đạt, {warn} cảnh báo, {fail} lỗi",
        "en": "Verdict: {ok} OK, {warn} warnings, {fail} failures",
    },
    "alert.slot": {"vi": "[{station}] Buổi phát {slot} lúc {scheduled}: {outcome} — {reason}", "en": "[{station}] Slot {slot} at {scheduled}: {outcome} — {reason}"},
    "alert.disk": {"vi": "[{station}] Sắp hết dung lượng đĩa: còn {free} MB tại {path}", "en": "[{station}] Disk almost full: {free} MB left at {path}"},
    "alert.engines": {"vi": "[{station}] Tất cả bộ đọc trực tuyến đều lỗi: {detail}", "en": "[{station}] All online speech engines are down: {detail}"},
    "alert.device": {"vi": "[{station}] Mất thiết bị âm thanh: {detail}", "en": "[{station}] Sound device lost: {detail}"},
    "alert.no_schedule": {"vi": "[{station}] Chưa có lịch phát cho ngày mai {day}", "en": "[{station}] No schedule for tomorrow {day}"},
    "alert.approval": {
        "vi": "[{station}] Bản tin '{id}' ({title}) vẫn chờ duyệt, sắp đến giờ phát {when}",
        "en": "[{station}] Bulletin '{id}' ({title}) still awaits approval; it is due on air {when}",
    },
    "alert.ingest": {"vi": "[{station}] Không nhận được tệp vào hộp thư: {detail}", "en": "[{station}] Inbox intake failing: {detail}"},
    "report.bad_month": {"vi": "Tháng không hợp lệ: {value} (dạng YYYY-MM, ví dụ 2026-11)", "en": "Invalid month: {value} (YYYY-MM, e.g. 2026-11)"},
    # --- air: as-run reasons and outcomes (proof and players) ------------------------------
    "air.reason.preempted": {"vi": "dừng trước khi phát mẫu âm thanh đầu tiên", "en": "preempted before its first sample"},
    "air.reason.unavailable": {
        "vi": "không mở được đầu ra âm thanh sau {attempts} lần thử: {reason}",
        "en": "sound output unavailable after {attempts} attempt(s): {reason}",
    },
    "air.reason.not_open": {"vi": "đầu ra âm thanh không mở được trong {seconds} giây", "en": "sound output did not open within {seconds} s"},
    "air.reason.stalled": {
        "vi": "đầu ra âm thanh bị treo (không tiến triển trong {seconds} giây) — mất thiết bị?",
        "en": "sound output stalled (no progress for {seconds} s) — device lost?",
    },
    "air.reason.exited": {"vi": "tiến trình phát thoát với mã {code}", "en": "player exited with code {code}"},
    "air.reason.ended_early": {"vi": "đầu ra âm thanh ngừng sớm sau {seconds} giây", "en": "sound output ended early after {seconds} s"},
    "air.reason.stopped": {"vi": "dừng theo yêu cầu", "en": "stopped on request"},
    "air.reason.file_sink": {"vi": "không ghi được tệp đầu ra: {error}", "en": "file sink: {error}"},
    "air.reason.player_error": {"vi": "lỗi bộ phát: {error}", "en": "player error: {error}"},
    "air.reason.skipped": {"vi": "người vận hành bỏ qua", "en": "skipped by operator"},
    "air.reason.emergency": {"vi": "ngắt để phát tin khẩn cấp", "en": "interrupted by an emergency message"},
    "air.reason.station_stopped": {"vi": "đài dừng hoạt động", "en": "station stopped"},
    "air.reason.station_stopping": {"vi": "đài đang dừng", "en": "station stopping"},
    "air.reason.killed": {
        "vi": "đài ngừng đột ngột khi đang phát (bị tắt hoặc mất điện); còn phát lúc {when} theo nhịp tim cuối",
        "en": "the station died during the airing (killed or power cut); last known on air at {when}",
    },
    "air.reason.killed_unknown": {
        "vi": "đài ngừng đột ngột khi đang phát (bị tắt hoặc mất điện); không rõ thời điểm ngừng",
        "en": "the station died during the airing (killed or power cut); when it stopped is unknown",
    },
    "air.reason.no_program_file": {"vi": "không còn tệp chương trình {path}: không lưu trữ được", "en": "program file {path} is gone: no archive"},
    "air.reason.not_running": {
        "vi": "đài không chạy lúc {at} (trễ {late} giây, cho phép {grace} giây)",
        "en": "station was not running at {at} (late by {late} s, grace {grace} s)",
    },
    "air.reason.not_ready": {"vi": "chương trình chưa sẵn sàng trong thời gian cho phép", "en": "program was not ready within the grace period"},
    "air.reason.not_prepared": {"vi": "không chuẩn bị được chương trình", "en": "program could not be prepared"},
    "air.reason.late": {"vi": "bắt đầu trễ {seconds} giây", "en": "started {seconds} s late"},
    "air.reason.already": {"vi": "đã phát hoặc đã ghi nhật ký", "en": "already aired or logged"},
    # --- web desk (issue 14) ------------------------------------------------------------
    "config.bad_listen": {"vi": "web.listen phải có dạng máy:cổng, ví dụ 127.0.0.1:8750 (đang là {value})",
        "en": "web.listen must be host:port, e.g. 127.0.0.1:8750 (got {value})"},
    "user.bad_name": {"vi": "Tên người dùng không hợp lệ: {name}",
        "en": "Invalid user name: {name}"},
    "user.bad_name.hint": {"vi": "Dùng chữ, số và . _ - @ (tối đa 64 ký tự)",
        "en": "Use letters, digits and . _ - @ (at most 64 characters)"},
    "user.bad_role": {"vi": "Vai trò không hợp lệ: {role} (chọn một trong: {roles})",
        "en": "Unknown role {role} (one of: {roles})"},
    "user.exists": {"vi": "Đã có người dùng {name}",
        "en": "User {name} already exists"},
    "user.exists.hint": {"vi": "Đổi mật khẩu: broadcaster user passwd TÊN",
        "en": "To change the password: broadcaster user passwd NAME"},
    "user.short_password": {"vi": "Mật khẩu quá ngắn: cần ít nhất {n} ký tự",
        "en": "Password too short: at least {n} characters"},
    "user.unknown": {"vi": "Không có người dùng {name}",
        "en": "No user {name}"},
    "user.unknown.hint": {"vi": "Xem danh sách: broadcaster user list",
        "en": "List them: broadcaster user list"},
    "user.added": {"vi": "Đã tạo người dùng {name} (vai trò {role})",
        "en": "User {name} created (role {role})"},
    "user.removed": {"vi": "Đã xóa người dùng {name}",
        "en": "User {name} removed"},
    "user.password_set": {"vi": "Đã đổi mật khẩu của {name}; các phiên đăng nhập cũ bị đóng",
        "en": "Password of {name} changed; old sessions closed"},
    "user.password_prompt": {"vi": "Mật khẩu",
        "en": "Password"},
    "user.password_again": {"vi": "Nhập lại mật khẩu",
        "en": "Repeat the password"},
    "user.passwords_differ": {"vi": "Hai lần nhập mật khẩu không giống nhau",
        "en": "The two passwords differ"},
    "user.no_password": {"vi": "Không đọc được mật khẩu từ đầu vào chuẩn (một dòng)",
        "en": "No password on standard input (one line expected)"},
    "user.none": {"vi": "Chưa có người dùng nào. Tạo: broadcaster user add TÊN --role admin",
        "en": "No users yet. Create one: broadcaster user add NAME --role admin"},
    "web.serving": {"vi": "Bàn làm việc web: {url}",
        "en": "Web desk: {url}"},
    "web.demo_admin": {"vi": "Bàn làm việc web: {url}  — đăng nhập: {name} / mật khẩu: {password} (chỉ hiện một lần)",
        "en": "Web desk: {url}  — log in as {name} with password {password} (shown once)"},
    "web.desk": {"vi": "Bàn làm việc",
        "en": "Desk"},
    "web.login": {"vi": "Đăng nhập",
        "en": "Log in"},
    "web.logout": {"vi": "Đăng xuất",
        "en": "Log out"},
    "web.user_name": {"vi": "Tên người dùng",
        "en": "User name"},
    "web.password": {"vi": "Mật khẩu",
        "en": "Password"},
    "web.bad_login": {"vi": "Sai tên người dùng hoặc mật khẩu",
        "en": "Wrong user name or password"},
    "web.throttled": {"vi": "Đăng nhập sai quá nhiều lần: thử lại sau {seconds} giây",
        "en": "Too many failed logins: try again in {seconds} s"},
    "web.bad_csrf": {"vi": "Biểu mẫu đã cũ hoặc không hợp lệ (mã chống giả mạo sai): tải lại trang rồi thử lại",
        "en": "The form is stale or forged (bad CSRF token): reload the page and try again"},
    "web.forbidden": {"vi": "Vai trò của bạn không được làm việc này",
        "en": "Your role may not do this"},
    "web.nav.dashboard": {"vi": "Bảng điều khiển",
        "en": "Dashboard"},
    "web.nav.bulletins": {"vi": "Bản tin",
        "en": "Bulletins"},
    "web.nav.approvals": {"vi": "Phê duyệt",
        "en": "Approval"},
    "web.nav.emergency": {"vi": "Khẩn cấp",
        "en": "Emergency"},
    "web.nav.asrun": {"vi": "Nhật ký phát sóng",
        "en": "As-run log"},
    "web.nav.audit": {"vi": "Nhật ký thao tác",
        "en": "Audit log"},
    "web.role.admin": {"vi": "quản trị",
        "en": "admin"},
    "web.role.operator": {"vi": "trực đài",
        "en": "operator"},
    "web.role.editor": {"vi": "biên tập",
        "en": "editor"},
    "web.role.approver": {"vi": "phê duyệt",
        "en": "approver"},
    "web.role.viewer": {"vi": "xem",
        "en": "viewer"},
    "web.on_air": {"vi": "Đang phát",
        "en": "On air"},
    "web.since": {"vi": "từ",
        "en": "since"},
    "web.nothing_on_air": {"vi": "Không có gì đang phát",
        "en": "Nothing on air"},
    "web.station_down": {"vi": "Đài không chạy (hoặc không trả lời): bản tin vẫn được nhận vào inbox/",
        "en": "The station is not running (or not answering): bulletins are still taken into inbox/"},
    "web.output": {"vi": "Đầu ra",
        "en": "Output"},
    "web.next_slots": {"vi": "Buổi phát sắp tới",
        "en": "Next slots"},
    "web.waiting_approval": {"vi": "Chờ duyệt",
        "en": "Waiting for approval"},
    "web.engines": {"vi": "Bộ đọc",
        "en": "Speech engines"},
    "web.ok": {"vi": "tốt",
        "en": "ok"},
    "web.unreachable": {"vi": "không kết nối được",
        "en": "unreachable"},
    "web.today": {"vi": "Hôm nay",
        "en": "Today"},
    "web.recent_problems": {"vi": "Sự cố gần đây",
        "en": "Recent problems"},
    "web.none": {"vi": "Không có",
        "en": "None"},
    "web.new_bulletin": {"vi": "Bản tin mới",
        "en": "New bulletin"},
    "web.state": {"vi": "Trạng thái",
        "en": "State"},
    "web.all_states": {"vi": "Mọi trạng thái",
        "en": "All states"},
    "web.filter": {"vi": "Lọc",
        "en": "Filter"},
    "web.title": {"vi": "Tiêu đề",
        "en": "Title"},
    "web.aired": {"vi": "Đã phát",
        "en": "Aired"},
    "web.received": {"vi": "Nhận lúc",
        "en": "Received"},
    "web.no_bulletins": {"vi": "Chưa có bản tin",
        "en": "No bulletins"},
    "web.body": {"vi": "Nội dung (dán văn bản)",
        "en": "Text (paste it here)"},
    "web.priority": {"vi": "Mức ưu tiên",
        "en": "Priority"},
    "web.priority.normal": {"vi": "thường",
        "en": "normal"},
    "web.priority.priority": {"vi": "ưu tiên",
        "en": "priority"},
    "web.priority.emergency": {"vi": "khẩn cấp",
        "en": "emergency"},
    "web.repeat": {"vi": "Số lần phát",
        "en": "Times to air"},
    "web.or_upload": {"vi": "Hoặc tải tệp .txt / .docx (tối đa {mb} MB)",
        "en": "Or upload a .txt / .docx file (at most {mb} MB)"},
    "web.preview": {"vi": "Bản đọc (phần máy đã đổi được tô màu)",
        "en": "Spoken script (what the text stage changed is highlighted)"},
    "web.preview_empty": {"vi": "Dán nội dung để xem bản đọc",
        "en": "Paste the text to see the spoken script"},
    "web.changes": {"vi": "{n} chỗ được đổi khi đọc",
        "en": "{n} changes for reading"},
    "web.submit": {"vi": "Gửi bản tin",
        "en": "Submit"},
    "web.thanks": {"vi": "Đã gửi",
        "en": "Submitted"},
    "web.submitted": {"vi": "Bản tin đã vào thư mục inbox/ ({name}); đài sẽ nhận và đưa đi duyệt như một tệp thả vào.",
        "en": "The bulletin is in inbox/ ({name}); the station takes it and sends it to approval like a dropped file."},
    "web.source": {"vi": "tệp",
        "en": "file"},
    "web.approved_by": {"vi": "duyệt bởi {by}",
        "en": "approved by {by}"},
    "web.reason": {"vi": "Lý do",
        "en": "Reason"},
    "web.withdraw": {"vi": "Rút bản tin",
        "en": "Withdraw"},
    "web.approve": {"vi": "Duyệt",
        "en": "Approve"},
    "web.reject": {"vi": "Từ chối",
        "en": "Reject"},
    "web.nothing_to_approve": {"vi": "Không có bản tin chờ duyệt",
        "en": "Nothing waiting for approval"},
    "web.emergency_text": {"vi": "Nội dung thông báo khẩn",
        "en": "Emergency message"},
    "web.next": {"vi": "Tiếp tục",
        "en": "Next"},
    "web.emergency_confirm": {"vi": "Ngắt chương trình và phát ngay thông báo này {repeat} lần?",
        "en": "Interrupt the program and air this message {repeat} times now?"},
    "web.emergency_go": {"vi": "Phát ngay",
        "en": "Air it now"},
    "web.cancel": {"vi": "Hủy",
        "en": "Cancel"},
    "web.emergency_queued": {"vi": "Đã đưa thông báo khẩn lên sóng ({repeat} lần)",
        "en": "Emergency message going on air ({repeat} times)"},
    "web.slot": {"vi": "Buổi",
        "en": "Slot"},
    "web.date": {"vi": "Ngày",
        "en": "Date"},
    "web.when": {"vi": "Lúc",
        "en": "When"},
    "web.who": {"vi": "Ai",
        "en": "Who"},
    "web.what": {"vi": "Việc",
        "en": "What"},
    "web.target": {"vi": "Đối tượng",
        "en": "Target"},
    "web.from_where": {"vi": "Từ máy",
        "en": "From"},
    "web.no_bulletin": {"vi": "Không có bản tin {id}",
        "en": "No bulletin {id}"},
    "web.empty_body": {"vi": "Nội dung trống: dán văn bản hoặc chọn tệp",
        "en": "The text is empty: paste text or choose a file"},
    "web.empty_file": {"vi": "Tệp {name} không có chữ nào",
        "en": "The file {name} holds no text"},
    "web.too_large": {"vi": "Tệp {name} quá lớn (tối đa {limit} MB, cài đặt web.max_upload_mb)",
        "en": "The file {name} is too large (at most {limit} MB, setting web.max_upload_mb)"},
    "web.bad_type": {"vi": "Tệp {name}: chỉ nhận .txt hoặc .docx",
        "en": "File {name}: only .txt or .docx are taken"},
    "web.not_what_it_says": {"vi": "Tệp {name} không phải tệp {kind} thật: lưu lại đúng định dạng rồi tải lên",
        "en": "The file {name} is not really a {kind} file: save it in that format and upload again"},
    # --- schedule files: the schedule book, plain YAML errors, load with confirmation (sched) --
    "yaml.tab": {"vi": "dòng {line} thụt lề bằng phím tab: YAML chỉ thụt lề bằng dấu cách (thay tab bằng dấu cách)",
                 "en": "line {line} is indented with a tab: YAML indents with spaces only (replace the tab with spaces)"},
    "yaml.unclosed": {"vi": "dấu '{bracket}' mở ở dòng {line} không được đóng: thêm '{close}' vào cuối danh sách",
                      "en": "the '{bracket}' opened on line {line} is never closed: add '{close}' at the end of the list"},
    "yaml.quote": {"vi": "dấu nháy {quote} mở ở dòng {line} không được đóng: thêm {quote} vào cuối đoạn chữ",
                   "en": "the quote {quote} opened on line {line} is never closed: add {quote} at the end of the text"},
    "yaml.colon": {"vi": "có dấu ':' trong giá trị: đặt giá trị trong dấu nháy, ví dụ {example}",
                   "en": "a ':' inside a value: put the value in quotes, e.g. {example}"},
    "yaml.indent": {"vi": "thụt lề không thẳng hàng: các khóa của cùng một mục phải bắt đầu ở cùng một cột (dùng dấu cách)",
                    "en": "indentation does not line up: the keys of one item must start in the same column (use spaces)"},
    "v.jingle_off": {"vi": "tiếng nhạc hiệu '{name}' đang tắt trong station.yaml (program.jingles.{name}); bỏ mục này hoặc đặt tệp cho nó",
                     "en": "jingle '{name}' is switched off in station.yaml (program.jingles.{name}); remove this item or give it a file"},
    "v.jingle_unknown": {"vi": "không có nhạc hiệu '{name}' ({hint})", "en": "unknown jingle '{name}' ({hint})"},
    "v.jingle_kinds": {"vi": "dùng open, close, between hoặc đường dẫn tệp âm thanh",
                       "en": "use open, close, between or the path of a sound file"},
    "v.empty_week": {"vi": "tệp lịch tuần không có buổi phát nào (tệp rỗng hoặc bị cắt?): thêm 'slots:'; lịch cũ vẫn được giữ",
                     "en": "the week file has no slots (empty or cut short?): add 'slots:'; the previous schedule is kept"},
    "v.empty_day": {"vi": "tệp lịch ngày không có 'slots', 'cancel' hay 'no_broadcast: true' (tệp rỗng hoặc bị cắt?); để ngày không phát, ghi 'no_broadcast: true'",
                    "en": "the day file has no 'slots', 'cancel' or 'no_broadcast: true' (empty or cut short?); for a day without broadcasts write 'no_broadcast: true'"},
    "book.week_refused": {"vi": "schedules/week.yaml không hợp lệ và chưa có bản tốt nào trước đó: đài không khởi động (sửa các lỗi dưới đây rồi chạy lại)",
                          "en": "schedules/week.yaml is invalid and there is no previous good copy: the station does not start (fix the problems below and start again)"},
    "book.file": {"vi": "Lịch {name} có lỗi nhưng vẫn phát được, phát như đã viết cho tới khi sửa:\n{problems}",
                  "en": "Schedule {name} has problems that still let it air; it airs as written until they are fixed:\n{problems}"},
    "book.last_good": {"vi": "Lịch {name} có lỗi, vẫn phát bản tốt trước đó:\n{problems}",
                  "en": "Schedule {name} has problems; its last good version stays on air:\n{problems}"},
    "book.ignored": {"vi": "Lịch {name} có lỗi và chưa từng hợp lệ, tạm bỏ qua tệp này:\n{problems}",
                     "en": "Schedule {name} has problems and was never valid; it is ignored for now:\n{problems}"},
    "book.changed": {"vi": "Lịch {name} đã thay đổi:\n{changes}", "en": "Schedule {name} changed:\n{changes}"},
    "book.alert": {"vi": "[{station}] {detail}", "en": "[{station}] {detail}"},
    "load.added": {"vi": "  + {slot} lúc {after} (thêm)", "en": "  + {slot} at {after} (added)"},
    "load.removed": {"vi": "  - {slot} lúc {before} (bỏ)", "en": "  - {slot} at {before} (removed)"},
    "load.moved": {"vi": "  ~ {slot} dời từ {before} sang {after}", "en": "  ~ {slot} moved from {before} to {after}"},
    "load.changed": {"vi": "  * {slot} lúc {after} (sửa chương trình)", "en": "  * {slot} at {after} (program changed)"},
    "load.unchanged": {"vi": "  không buổi phát nào thay đổi", "en": "  no slot changes"},
    "load.every_day": {"vi": "mỗi ngày", "en": "every day"},
    "load.done": {"vi": "Đã nạp lịch {path}:\n{changes}", "en": "Loaded schedule {path}:\n{changes}"},
    "load.confirm": {"vi": "Lịch {path} sẽ bỏ {n} buổi phát đang có:\n{changes}\nChưa thay đổi gì: chạy lại với --yes nếu đúng ý bạn",
                     "en": "Schedule {path} would remove {n} existing slot(s):\n{changes}\nNothing was changed: run again with --yes if this is what you want"},
    "doctor.schedule.file": {"vi": "có lỗi, vẫn phát như đã viết: {problems}",
                             "en": "has problems, airs as written: {problems}"},
    "doctor.schedule.last_good": {"vi": "có lỗi, đang phát bản tốt trước đó: {problems}",
                             "en": "invalid, its last good version airs: {problems}"},
    "doctor.schedule.ignored": {"vi": "có lỗi, chưa từng hợp lệ nên bị bỏ qua: {problems}",
                                "en": "invalid and never valid, ignored: {problems}"},
    "yaml.other": {"vi": "lỗi cú pháp YAML: {detail} (kiểm tra thụt lề bằng dấu cách và 'khóa: giá trị')",
                   "en": "YAML syntax error: {detail} (check indentation with spaces and 'key: value')"},

    # --- inbox intake and render (intake branch: issue 11 points 4, 6, 8; issue 13 points 7, 8) ---
    "text.legacy_byte": {
        "vi": "dòng {line} có byte {byte} không phải chữ nào của bảng mã {encoding} (phần còn lại của tệp là {encoding}); đài không đoán thay",
        "en": "line {line} has byte {byte}, which is no letter of the {encoding} encoding (the rest of the file is {encoding}); the station does not guess",
    },
    "text.legacy_byte.hint": {
        "vi": "mở tệp bằng Unikey (Công cụ chuyển mã) hoặc Word, chuyển sang Unicode, sửa chữ ở dòng đó rồi lưu thành .txt (UTF-8) hoặc .docx",
        "en": "open the file with Unikey's converter or Word, convert it to Unicode, fix the letter on that line and save as .txt (UTF-8) or .docx",
    },
    "text.bad_pdf": {"vi": "tệp PDF hỏng hoặc không đọc được ({error})", "en": "damaged or unreadable PDF ({error})"},
    "text.pdf_no_text": {
        "vi": "tệp PDF không có lớp chữ (là ảnh chụp hoặc bản quét), đài không đọc được chữ trong ảnh",
        "en": "the PDF has no text layer (it is a photo or a scan); the station cannot read text in pictures",
    },
    "text.pdf_no_text.hint": {
        "vi": "gửi tệp gốc đã soạn (Word .docx hoặc .odt), hoặc gõ lại nội dung vào tệp .txt, rồi thả vào thư mục inbox",
        "en": "send the original document (Word .docx or .odt), or type the text into a .txt file, and drop it into inbox",
    },
    "text.pdf_locked": {
        "vi": "tệp PDF có mật khẩu, đài không mở được",
        "en": "the PDF is password-protected; the station cannot open it",
    },
    "text.pdf_locked.hint": {
        "vi": "gửi bản PDF không đặt mật khẩu, hoặc tệp gốc (Word .docx hoặc .odt), rồi thả vào thư mục inbox",
        "en": "send a PDF without a password, or the original document (Word .docx or .odt), and drop it into inbox",
    },
    "text.bad_odt": {"vi": "tệp .odt hỏng hoặc không phải văn bản OpenDocument", "en": "damaged .odt or not an OpenDocument text"},
    "text.bad_odt.hint": {
        "vi": "mở tệp bằng LibreOffice và lưu lại dạng .odt hoặc .docx, rồi thả vào thư mục inbox",
        "en": "open it in LibreOffice, save it again as .odt or .docx and drop it into inbox",
    },
    "inbox.bad_type.image": {
        "vi": "Tệp {name} là ảnh ({ext}): đài không đọc được chữ trong ảnh",
        "en": "{name} is a picture ({ext}): the station cannot read text in pictures",
    },
    "inbox.bad_type.image.fix": {
        "vi": "Gõ nội dung bản tin vào Word (.docx) hoặc Notepad (.txt), hoặc gửi tệp gốc đã soạn, rồi thả vào thư mục inbox",
        "en": "Type the bulletin into Word (.docx) or Notepad (.txt), or send the original document, and drop it into inbox",
    },
    "inbox.bad_type.audio": {
        "vi": "Tệp {name} là âm thanh/video ({ext}): hộp thư chỉ nhận bản tin dạng chữ để đài tự đọc",
        "en": "{name} is audio/video ({ext}): the inbox takes written bulletins, which the station speaks itself",
    },
    "inbox.bad_type.audio.fix": {
        "vi": "Gửi nội dung bản tin dạng chữ (.txt, .docx, .odt hoặc .pdf); tệp âm thanh có sẵn thì nhờ cán bộ vận hành đưa vào lịch phát",
        "en": "Send the bulletin as text (.txt, .docx, .odt or .pdf); for a ready-made recording ask the operator to put it in the schedule",
    },
    "inbox.bad_type.office": {
        "vi": "Tệp {name} ({ext}) không phải văn bản soạn thảo: đài chỉ đọc .txt, .docx, .odt và .pdf có chữ",
        "en": "{name} ({ext}) is not a text document: the station reads .txt, .docx, .odt and .pdf with text",
    },
    "inbox.bad_type.office.fix": {
        "vi": "Chép nội dung bản tin sang Word rồi lưu thành .docx (hoặc xuất ra PDF), rồi thả vào thư mục inbox",
        "en": "Copy the bulletin text into Word and save it as .docx (or export a PDF), then drop it into inbox",
    },
    "inbox.bad_type.rtf": {
        "vi": "Tệp {name} có đuôi {ext}: đài không đọc được kiểu tệp này",
        "en": "{name} has extension {ext}: the station cannot read this kind of file",
    },
    "inbox.bad_type.rtf.fix": {
        "vi": "Mở tệp trong Word hoặc WordPad, chọn Lưu thành (Save As) kiểu 'Word Document (.docx)' hoặc 'Plain Text (.txt)', rồi thả vào thư mục inbox",
        "en": "Open it in Word or WordPad, Save As 'Word Document (.docx)' or 'Plain Text (.txt)', and drop it into inbox",
    },
    "inbox.already": {
        "vi": "ĐÃ NHẬN RỒI: {source}\nThời gian: {when}\n\nTệp này giống hệt bản tin {id} phiên bản {version} đã nhận lúc {taken} (trạng thái: {state}). Đài không nhận thêm lần nữa và không phát lặp.\n\nNếu muốn sửa bản tin, hãy sửa nội dung rồi lưu lại: đài sẽ nhận thành phiên bản mới. Có thể xóa tệp ghi chú này.\n",
        "en": "ALREADY TAKEN: {source}\nTime: {when}\n\nThis file is identical to bulletin {id} version {version}, taken on {taken} (state: {state}). It is not taken again and will not air twice.\n\nTo change the bulletin, edit its text and save: it will be taken as a new version. This note can be deleted.\n",
    },
    "inbox.duplicate": {
        "vi": "Tệp {name} giống hệt bản tin {id} phiên bản {version} (tệp {other}) đã nhận lúc {taken}; đài không nhận lần hai để khỏi phát trùng",
        "en": "{name} is identical to bulletin {id} version {version} (file {other}) taken on {taken}; it is not taken twice, so it does not air twice",
    },
    "inbox.duplicate.fix": {
        "vi": "Không cần gửi lại. Muốn sửa bản tin thì sửa và lưu tệp {other} trong thư mục inbox; có thể xóa tệp này",
        "en": "No need to send it again. To change the bulletin, edit and save {other} in the inbox; this file can be deleted",
    },
    "inbox.state.received": {"vi": "đã nhận", "en": "received"},
    "inbox.state.awaiting_approval": {"vi": "chờ duyệt", "en": "awaiting approval"},
    "inbox.state.approved": {"vi": "đã duyệt, chờ phát", "en": "approved, waiting to air"},
    "inbox.state.rejected": {"vi": "bị từ chối", "en": "rejected"},
    "inbox.state.withdrawn": {"vi": "đã rút", "en": "withdrawn"},
    "inbox.state.expired": {"vi": "hết hạn", "en": "expired"},
    "speech.engine_failed": {
        "vi": "Bộ đọc {engine} không đọc được bản tin: {reason}",
        "en": "Engine {engine} could not speak the bulletin: {reason}",
    },
    "speech.engine_failed.hint": {
        "vi": "chạy lại không có --engine, hoặc thêm --fallback để dùng các bộ đọc dự phòng của đài",
        "en": "run again without --engine, or add --fallback to use the station's fallback engines",
    },
    # --- versioned databases (store, issue 12) -------------------------------------------------
    "db.schema_newer": {
        "vi": "{path}: cơ sở dữ liệu do phiên bản broadcaster mới hơn ghi (lược đồ {found}, bản này chỉ biết đến {known})",
        "en": "{path}: the database was written by a newer broadcaster (schema {found}, this one knows up to {known})",
    },
    "db.schema_older": {
        "vi": "{path}: cơ sở dữ liệu còn ở lược đồ cũ {found} (bản này cần {known}); bàn làm việc web chỉ đọc nên không tự nâng cấp được",
        "en": "{path}: the database still has the older schema {found} (this release needs {known}); the web desk only reads it, so it cannot upgrade it",
    },
    "db.schema_older.hint": {
        "vi": "chạy đài (broadcaster run) một lần, hoặc chạy 'broadcaster web' khi đài chưa chạy: cả hai đều nâng cấp tệp này",
        "en": "run the station (broadcaster run) once, or 'broadcaster web' while the station is not running: either upgrades this file",
    },
    "db.schema_newer.hint": {
        "vi": "cài lại phiên bản broadcaster mới hơn, hoặc khôi phục bản sao lưu của tệp này",
        "en": "install the newer broadcaster again, or restore this file from its backup",
    },
    # --- web desk: schedule, monthly report, status (web2, issue 14 point 4) ------------------
    "web.nav.schedule": {"vi": "Lịch phát", "en": "Schedule"},
    "web.nav.report": {"vi": "Báo cáo tháng", "en": "Monthly report"},
    "web.nav.status": {"vi": "Tình trạng", "en": "Status"},
    "web.day.mon": {"vi": "Thứ hai", "en": "Monday"},
    "web.day.tue": {"vi": "Thứ ba", "en": "Tuesday"},
    "web.day.wed": {"vi": "Thứ tư", "en": "Wednesday"},
    "web.day.thu": {"vi": "Thứ năm", "en": "Thursday"},
    "web.day.fri": {"vi": "Thứ sáu", "en": "Friday"},
    "web.day.sat": {"vi": "Thứ bảy", "en": "Saturday"},
    "web.day.sun": {"vi": "Chủ nhật", "en": "Sunday"},
    "web.schedule.show": {"vi": "Xem", "en": "Show"},
    "web.schedule.week": {"vi": "Lịch tuần (week.yaml)", "en": "Week template (week.yaml)"},
    "web.schedule.timeline": {"vi": "Các buổi phát trong ngày, từ 0 giờ đến 24 giờ",
                              "en": "The day's slots, from 00:00 to 24:00"},
    "web.schedule.file": {"vi": "Ngày này có tệp lịch riêng: schedules/{name}",
                          "en": "This day has its own file: schedules/{name}"},
    "web.schedule.no_file": {"vi": "Ngày này theo lịch tuần", "en": "This day follows the week template"},
    "web.schedule.nothing": {"vi": "Không có buổi phát nào", "en": "No slots"},
    "web.schedule.at": {"vi": "Giờ bắt đầu (GG:PP)", "en": "Start (HH:MM)"},
    "web.schedule.origin": {"vi": "Theo", "en": "From"},
    "web.schedule.origin.week": {"vi": "lịch tuần", "en": "week template"},
    "web.schedule.origin.day": {"vi": "riêng ngày này", "en": "this day only"},
    "web.schedule.cancelled": {"vi": "đã bỏ ngày này", "en": "cancelled on this day"},
    "web.schedule.cancel": {"vi": "Bỏ buổi này", "en": "Cancel this slot"},
    "web.schedule.no_broadcast": {"vi": "Đánh dấu ngày không phát sóng",
                                  "en": "Mark as a no-broadcast day"},
    "web.schedule.no_broadcast_day": {"vi": "ngày không phát sóng", "en": "no-broadcast day"},
    "web.schedule.add": {"vi": "Thêm một buổi phát riêng cho ngày này",
                         "en": "Add a one-off slot on this day"},
    "web.schedule.add_go": {"vi": "Thêm buổi phát", "en": "Add the slot"},
    "web.schedule.id": {"vi": "Mã buổi (chữ thường không dấu, số, dấu -)",
                        "en": "Slot id (lower-case letters, digits, -)"},
    "web.schedule.name": {"vi": "Tên buổi", "en": "Slot name"},
    "web.schedule.max_minutes": {"vi": "Dài tối đa (phút)", "en": "Longest (minutes)"},
    "web.schedule.say": {"vi": "Câu mở đầu (giọng máy đọc)", "en": "Opening sentence (spoken)"},
    "web.schedule.tags": {"vi": "Chỉ phát bản tin có nhãn (cách nhau dấu phẩy; trống = mọi bản tin)",
                          "en": "Only bulletins with these tags (comma separated; empty = all)"},
    "web.schedule.problems": {"vi": "Chưa lưu: tệp lịch có lỗi (đúng như broadcaster validate báo)",
                              "en": "Not saved: the schedule file has problems (as broadcaster validate says)"},
    "web.schedule.confirm": {"vi": "Thay đổi này bỏ {n} buổi phát. Chưa thay đổi gì: xác nhận nếu đúng ý bạn",
                             "en": "This change removes {n} slot(s). Nothing changed yet: confirm if you mean it"},
    "web.schedule.confirm_go": {"vi": "Xác nhận bỏ", "en": "Confirm"},
    "web.report.month": {"vi": "Tháng", "en": "Month"},
    "web.report.total": {"vi": "Tổng thời lượng phát", "en": "Total airtime"},
    "web.report.airings": {"vi": "Số buổi đã phát", "en": "Slots aired"},
    "web.report.problems": {"vi": "Trễ, bỏ lỡ, lỗi, bị ngắt", "en": "Late, missed, failed, interrupted"},
    "web.report.emergencies": {"vi": "Phát khẩn cấp", "en": "Emergencies"},
    "web.report.airings_per_day": {"vi": "Số buổi phát mỗi ngày", "en": "Slots aired per day"},
    "web.report.minutes_per_day": {"vi": "Số phút phát sóng mỗi ngày", "en": "Minutes on air per day"},
    "web.report.by_tag": {"vi": "Số lần phát bản tin theo nhãn", "en": "Bulletin airings by tag"},
    "web.report.per_slot": {"vi": "Theo buổi phát", "en": "Per slot"},
    "web.report.download": {"vi": "Tải về", "en": "Download"},
    "web.report.empty": {"vi": "Tháng {month} chưa có buổi phát nào trong nhật ký",
                         "en": "No airings logged in {month}"},
    "web.status.check": {"vi": "Mục kiểm tra", "en": "Check"},
    "web.status.verdict": {"vi": "Kết quả", "en": "Verdict"},
    "web.status.detail": {"vi": "Chi tiết", "en": "Detail"},
    "web.status.probe": {"vi": "Kiểm tra cả thiết bị âm thanh và bộ đọc (chậm)",
                         "en": "Also probe the sound device and speech engines (slow)"},
    "web.status.quick": {"vi": "Chưa kiểm tra thiết bị âm thanh và bộ đọc (chậm): bấm nút dưới đây",
                         "en": "The sound device and speech engines were not probed (slow): use the button below"},
    # --- recorded bulletins: audio in inbox/ and on the desk (audio branch, issue 14) ----------
    "inbox.audio_bad": {
        "vi": "Không nghe được bản ghi âm {name}: tệp hỏng, trống hoặc không phải âm thanh ({error})",
        "en": "The recording {name} cannot be played: the file is damaged, empty or not audio ({error})",
    },
    "inbox.audio_bad.fix": {
        "vi": "Gửi lại bản ghi gốc từ điện thoại hoặc Zalo (mp3, m4a, aac, ogg, opus, wav hoặc amr), nghe thử trên máy tính trước khi thả vào inbox; nếu là bản tin dạng chữ, lưu thành .txt hoặc .docx",
        "en": "Send the original recording from the phone or chat app again (mp3, m4a, aac, ogg, opus, wav or amr), play it on a computer before dropping it into inbox; a written bulletin goes in as .txt or .docx",
    },
    "inbox.audio_long": {
        "vi": "Bản ghi âm {name} dài {minutes} phút, quá giới hạn {limit} phút của một bản tin",
        "en": "The recording {name} lasts {minutes} minutes, over the {limit}-minute limit for a bulletin",
    },
    "inbox.audio_long.fix": {
        "vi": "Cắt bản ghi thành các phần ngắn hơn {limit} phút (mỗi phần một tệp) rồi thả lại vào inbox, hoặc nhờ cán bộ vận hành tăng inbox.max_audio_minutes",
        "en": "Cut the recording into parts shorter than {limit} minutes (one file each) and drop them again, or ask the operator to raise inbox.max_audio_minutes",
    },
    "inbox.sidecar_bad": {
        "vi": "Tệp thông tin {name} đi kèm bản ghi âm có lỗi: {error}",
        "en": "The details file {name} beside the recording is wrong: {error}",
    },
    "text.recording": {
        "vi": "{path}: bản ghi âm, dài {duration}; không có chữ để đọc, đài phát chính bản ghi ở độ lớn chuẩn {lufs} LUFS",
        "en": "{path}: a recording, {duration} long; no text to read, the station airs the recording itself at {lufs} LUFS",
    },
    "web.bulletins.or_upload": {
        "vi": "Hoặc tải lên tệp .txt / .docx, hay bản ghi âm (mp3, m4a, aac, ogg, opus, wav, amr), tối đa {mb} MB",
        "en": "Or upload a .txt / .docx file, or a recording (mp3, m4a, aac, ogg, opus, wav, amr), at most {mb} MB",
    },
    "web.bulletins.audio_player": {"vi": "Bản ghi âm đã tải lên", "en": "The uploaded recording"},
    "web.bulletins.audio_taken": {
        "vi": "Đã nhận bản ghi âm {name} ({duration}); bản tin sẽ vào danh sách sau khi đài kiểm tra tệp",
        "en": "Recording {name} received ({duration}); the bulletin appears in the list once the station has checked the file",
    },
    "web.bulletins.audio_bad": {
        "vi": "Tệp {name} không phải văn bản hay bản ghi âm đài nhận được (.txt, .docx hoặc mp3, m4a, aac, ogg, opus, wav, amr)",
        "en": "{name} is neither a text nor a recording the station takes (.txt, .docx or mp3, m4a, aac, ogg, opus, wav, amr)",
    },
    # --- publishing: the public archive (pub branch, issue 16 point 1) ------------------------
    "config.bad_base_url": {"vi": "publish.base_url phải là địa chỉ http:// hoặc https://, ví dụ "
                            "https://phuong.example.gov.vn/truyen-thanh/ (đang là {value})",
                            "en": "publish.base_url must be an http:// or https:// address, e.g. "
                            "https://ward.example.gov.vn/radio/ (got {value})"},
    "publish.started": {"vi": "Trang công khai: {path} (xem tại {url})",
                        "en": "Public archive: {path} (read at {url})"},
    "publish.published": {"vi": "Đã đăng công khai bản tin {id} «{title}»",
                          "en": "Published bulletin {id} “{title}”"},
    "publish.removed": {"vi": "Đã gỡ bản tin {id} khỏi trang công khai ({state})",
                        "en": "Removed bulletin {id} from the public archive ({state})"},
    "publish.failed": {"vi": "Đăng trang công khai lỗi: {error}; đài thử lại sau {seconds} giây "
                       "(việc phát thanh không bị ảnh hưởng)",
                       "en": "Publishing the public archive failed: {error}; retrying in "
                       "{seconds} s (air is not affected)"},
    "publish.target_failed": {"vi": "{station}: chép trang công khai tới {target} lỗi: {error}. "
                              "Kiểm tra thư mục chia sẻ còn được gắn (mount) và ghi được; đài "
                              "tự thử lại sau {seconds} giây.",
                              "en": "{station}: copying the public archive to {target} failed: "
                              "{error}. Check that the share is mounted and writable; the "
                              "station retries in {seconds} s."},
    "publish.target_ok": {"vi": "Đã chép trang công khai tới {target} ({n} tệp thay đổi)",
                          "en": "Copied the public archive to {target} ({n} files changed)"},
    "publish.feed.description": {"vi": "Các bản tin {station} đã phát trên loa truyền thanh, bằng "
                                 "chữ và âm thanh.",
                                 "en": "The bulletins {station} has aired on its loudspeakers, as "
                                 "text and as audio."},
    "publish.weekdays": {"vi": "Thứ Hai|Thứ Ba|Thứ Tư|Thứ Năm|Thứ Sáu|Thứ Bảy|Chủ Nhật",
                         "en": "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"},
    "publish.page.index_title": {"vi": "Bản tin đã phát", "en": "Bulletins aired"},
    "publish.page.search": {"vi": "Tìm bản tin", "en": "Search the bulletins"},
    "publish.page.search_hint": {"vi": "Gõ vài chữ, có dấu hay không dấu đều được",
                                 "en": "A few words, with or without accents"},
    "publish.page.empty": {"vi": "Chưa có bản tin nào được phát.",
                           "en": "No bulletin has aired yet."},
    "publish.page.no_match": {"vi": "Không có bản tin nào khớp với từ đã gõ.",
                              "en": "No bulletin matches those words."},
    "publish.page.listen": {"vi": "Nghe bản tin", "en": "Listen"},
    "publish.page.download": {"vi": "Tải tệp MP3 ({size})", "en": "Download the MP3 ({size})"},
    "publish.page.aired": {"vi": "Phát lúc", "en": "Aired at"},
    "publish.page.back": {"vi": "← Tất cả bản tin", "en": "← All bulletins"},
    "publish.page.feeds": {"vi": "Nhận bản tin mới qua:", "en": "Follow new bulletins:"},
    "publish.page.emergency": {"vi": "Khẩn cấp", "en": "Emergency"},
    "publish.page.priority": {"vi": "Ưu tiên", "en": "Priority"},
    "publish.page.no_audio": {"vi": "Bản tin này chưa có tệp âm thanh.",
                              "en": "This bulletin has no audio yet."},
    # --- route: outputs and zones (issue 15.1) ---------------------------------------------
    "config.bad_icecast_url": {
        "vi": "địa chỉ Icecast '{value}' không đúng: cần dạng http://máy:cổng/điểm-phát, "
              "ví dụ http://127.0.0.1:8000/khu1.mp3",
        "en": "Icecast address '{value}' is wrong: write it as http://host:port/mount, "
              "e.g. http://127.0.0.1:8000/khu1.mp3"},
    "route.zone_all": {"vi": "zones: 'all' là tên dành sẵn (mọi đầu ra); hãy đổi tên vùng này",
                       "en": "zones: 'all' is reserved (every output); rename this zone"},
    "route.zone_unknown_output": {
        "vi": "zones.{zone}: không có đầu ra '{output}' (có: {outputs}); sửa tên hoặc thêm nó "
              "vào outputs.icecast",
        "en": "zones.{zone}: there is no output '{output}' (there are: {outputs}); fix the "
              "name or add it under outputs.icecast"},
    "route.output_name_twice": {
        "vi": "outputs: tên đầu ra '{name}' bị trùng (hoặc là 'all'); mỗi đầu ra cần tên riêng",
        "en": "outputs: the output name '{name}' is used twice (or is 'all'); give each "
              "output its own name"},
    "route.bad_settings": {"vi": "Cấu hình đầu ra / vùng phát sai:\n{problems}",
                           "en": "The outputs / zones settings are wrong:\n{problems}"},
    "route.refused": {"vi": "máy chủ Icecast {url} từ chối nguồn phát: {answer} (kiểm tra "
                            "mật khẩu, tên điểm phát, hoặc điểm phát đang có nguồn khác)",
                      "en": "the Icecast server {url} refused the source: {answer} (check the "
                            "password, the mount, or whether another source holds it)"},
    "route.not_connected_yet": {"vi": "chưa kết nối", "en": "not connected yet"},
    "route.mark.down": {"vi": "đầu ra {name} mất kết nối lúc {since}: {why}",
                        "en": "output {name} dropped at {since}: {why}"},
    "route.mark.back": {"vi": "đầu ra {name} đã kết nối lại sau {seconds} giây (mất từ {since})",
                        "en": "output {name} back after {seconds} s (dropped at {since})"},
    "route.unknown_zone": {
        "vi": "buổi '{slot}': không có vùng phát '{zone}' (có: {known}); thêm nó vào zones: "
              "trong station.yaml hoặc sửa tên",
        "en": "slot '{slot}': there is no zone '{zone}' (there are: {known}); add it under "
              "zones: in station.yaml or fix the name"},
    "route.doctor": {"vi": "đầu ra {name} ({kind}, vùng {zones}): {state}",
                     "en": "output {name} ({kind}, zones {zones}): {state}"},
    "route.connected": {"vi": "đang kết nối", "en": "connected"},
    "route.down": {"vi": "mất kết nối: {error}", "en": "down: {error}"},
    "route.reachable": {"vi": "máy chủ trả lời", "en": "server answers"},
    "route.unreachable": {"vi": "không tới được máy chủ: {error}",
                          "en": "server unreachable: {error}"},
    "route.emergency_title": {"vi": "KHẨN CẤP", "en": "EMERGENCY"},
    # --- social pages (publish/social: Facebook Page, Zalo OA; `broadcaster published`) ---
    "social.platform.facebook": {"vi": "Trang Facebook", "en": "Facebook Page"},
    "social.platform.zalo": {"vi": "Zalo OA", "en": "Zalo OA"},
    "social.started": {"vi": "Đăng lên mạng xã hội: {platforms}",
                       "en": "Posting to social pages: {platforms}"},
    "social.posted": {"vi": "Đã đăng bản tin {id} lên {platform} (mã bài: {post_id})",
                      "en": "Posted bulletin {id} to the {platform} (post id {post_id})"},
    "social.deleted": {"vi": "Đã xóa bài của bản tin {id} trên {platform} (bản tin đã bị rút)",
                       "en": "Deleted bulletin {id}'s post on the {platform} (bulletin withdrawn)"},
    "social.kept": {"vi": "{platform} không cho xóa bài qua API: hãy tự xóa bài {post_id} "
                          "(bản tin {id} đã bị rút)",
                    "en": "The {platform} offers no delete through its API: remove post "
                          "{post_id} by hand (bulletin {id} was withdrawn)"},
    "social.retry": {"vi": "Đăng bản tin {id} lên {platform} lỗi (lần {n}): {error}. "
                           "Thử lại sau {seconds} giây.",
                     "en": "Posting bulletin {id} to the {platform} failed (try {n}): {error}. "
                           "Trying again in {seconds} s."},
    "social.gave_up": {"vi": "{station}: không đăng được bản tin {id} lên {platform} "
                             "sau {n} lần: {error}. Kiểm tra mạng và cài đặt "
                             "publish.social trong station.yaml.",
                       "en": "{station}: bulletin {id} could not be posted to the "
                             "{platform} after {n} tries: {error}. Check the network and "
                             "publish.social in station.yaml."},
    "social.delete_failed": {"vi": "{station}: bản tin {id} đã bị rút nhưng không xóa được bài "
                                   "{post_id} trên {platform} sau {n} lần: {error}. Hãy tự xóa "
                                   "bài đó trên trang.",
                             "en": "{station}: bulletin {id} was withdrawn but its post {post_id} "
                                   "on the {platform} could not be deleted after {n} tries: "
                                   "{error}. Remove it by hand on the page."},
    "social.token.facebook": {
        "vi": "{station}: Facebook từ chối mã truy cập (token) của Trang: {error}. Đã ngừng "
              "đăng. Cách làm mới: vào developers.facebook.com/tools/explorer, chọn ứng dụng và "
              "Trang, cấp quyền pages_manage_posts và pages_read_engagement, lấy Page access "
              "token (nên đổi sang token dài hạn), dán vào station.yaml ở "
              "publish.social.facebook.token rồi khởi động lại đài. Các bài đang chờ sẽ được "
              "đăng tiếp.",
        "en": "{station}: Facebook refused the Page access token: {error}. Posting has "
              "stopped. To renew it: open developers.facebook.com/tools/explorer, pick the app "
              "and the Page, grant pages_manage_posts and pages_read_engagement, get a Page "
              "access token (exchange it for a long-lived one), put it in station.yaml at "
              "publish.social.facebook.token and restart the station. Queued posts then go out."},
    "social.token.zalo": {
        "vi": "{station}: Zalo từ chối mã truy cập (access token) của OA: {error}. Đã ngừng "
              "đăng. Cách làm mới: vào developers.zalo.me, mở ứng dụng đã liên kết với OA, "
              "công cụ API Explorer, chọn OA Access Token (quyền quản lý bài viết), lấy token "
              "mới, dán vào station.yaml ở publish.social.zalo.token rồi khởi động lại đài. "
              "Các bài đang chờ sẽ được đăng tiếp.",
        "en": "{station}: Zalo refused the OA access token: {error}. Posting has "
              "stopped. To renew it: open developers.zalo.me, the app linked to the OA, its API "
              "Explorer, get a new OA access token (with article management), put it in "
              "station.yaml at publish.social.zalo.token and restart the station. Queued posts "
              "then go out."},
    "social.state.queued": {"vi": "đang chờ", "en": "queued"},
    "social.state.sent": {"vi": "đã đăng", "en": "posted"},
    "social.state.failed": {"vi": "thất bại", "en": "failed"},
    "social.state.token": {"vi": "lỗi token", "en": "token refused"},
    "social.state.cancelled": {"vi": "đã hủy", "en": "cancelled"},
    "social.state.deleting": {"vi": "đang xóa", "en": "deleting"},
    "social.state.deleted": {"vi": "đã xóa", "en": "deleted"},
    "social.state.kept": {"vi": "còn trên trang", "en": "left up"},
    "social.action.post": {"vi": "đăng", "en": "post"},
    "social.action.video": {"vi": "đăng kèm âm thanh", "en": "post with audio"},
    "social.action.delete": {"vi": "xóa", "en": "delete"},
    "social.action.cancel": {"vi": "hủy", "en": "cancel"},
    "social.outcome.ok": {"vi": "thành công", "en": "ok"},
    "social.outcome.retry": {"vi": "lỗi, sẽ thử lại", "en": "error, will retry"},
    "social.outcome.failed": {"vi": "thất bại", "en": "failed"},
    "social.outcome.token": {"vi": "token bị từ chối", "en": "token refused"},
    "social.outcome.kept": {"vi": "không xóa được qua API", "en": "no delete in the API"},
    "social.log.head": {"vi": "Nhật ký đăng mạng xã hội (mới nhất trước)",
                        "en": "Social posting log (newest first)"},
    "social.log.columns": {"vi": "Thời gian | Nơi đăng | Việc | Bản tin | Kết quả | Mã bài / lỗi",
                           "en": "When | Where | Action | Bulletin | Outcome | Post id / error"},
    "social.log.empty": {"vi": "Chưa có bài nào được đăng lên mạng xã hội.",
                         "en": "Nothing has been posted to social pages yet."},
    "social.log.off": {"vi": "Chưa cài đặt trang mạng xã hội nào (publish.social.facebook, "
                             "publish.social.zalo trong station.yaml).",
                       "en": "No social page is set up (publish.social.facebook, "
                             "publish.social.zalo in station.yaml)."},
    "config.zalo_refresh": {"vi": "publish.social.zalo.refresh_token cần cả app_id và secret_key "
                                  "của ứng dụng Zalo (developers.zalo.me)",
                            "en": "publish.social.zalo.refresh_token needs the Zalo app's app_id "
                                  "and secret_key too (developers.zalo.me)"},
    "social.bad_limit": {"vi": "--limit phải là số dương, nhận được {value}",
                         "en": "--limit must be a positive number, got {value}"},
    "web.nav.published": {"vi": "Đã đăng", "en": "Published"},
    "web.published.title": {"vi": "Đăng lên mạng xã hội", "en": "Social posting"},
    "web.published.when": {"vi": "Thời gian", "en": "When"},
    "web.published.where": {"vi": "Nơi đăng", "en": "Where"},
    "web.published.action": {"vi": "Việc", "en": "Action"},
    "web.published.bulletin": {"vi": "Bản tin", "en": "Bulletin"},
    "web.published.outcome": {"vi": "Kết quả", "en": "Outcome"},
    "web.published.detail": {"vi": "Mã bài / lỗi", "en": "Post id / error"},
    "web.published.waiting": {"vi": "Đang chờ đăng: {n}", "en": "Waiting to be posted: {n}"},
    # --- feeds: upstream feeds and CAP alerts (feeds branch, issue 16 points 3-4) ------------
    "config.bad_feed_url": {"vi": "feeds.sources: url phải là địa chỉ http:// hoặc https://, ví dụ "
                            "https://quan1.example.gov.vn/truyen-thanh/feed.json (đang là {value})",
                            "en": "feeds.sources: url must be an http:// or https:// address, e.g. "
                            "https://district.example.gov.vn/radio/feed.json (got {value})"},
    "config.bad_priority_map": {
        "vi": "feeds.sources: priority_map có khóa {key} không hợp lệ; khóa là Urgency/Severity của CAP, "
              "Urgency: Immediate, Expected, Future, Past, Unknown; Severity: Extreme, Severe, "
              "Moderate, Minor, Unknown; * là mọi giá trị (ví dụ \"Expected/Severe\")",
        "en": "feeds.sources: priority_map key {key} is not valid; keys are CAP Urgency/Severity, "
              "Urgency: Immediate, Expected, Future, Past, Unknown; Severity: Extreme, Severe, "
              "Moderate, Minor, Unknown; * for any (e.g. \"Expected/Severe\")"},
    "config.feed_twice": {"vi": "feeds.sources: tên nguồn {names} dùng hai lần; mỗi nguồn một tên riêng",
                          "en": "feeds.sources: the name {names} is used twice; give each source its own"},
    "feeds.started": {"vi": "Nhận bản tin từ {n} nguồn: {names}",
                      "en": "Taking bulletins from {n} feeds: {names}"},
    "feeds.problem": {"vi": "Nguồn tin «{feed}»: {problem}. {fix} Đài thử lại sau {seconds} giây; "
                            "các bản tin đã nhận vẫn giữ nguyên.",
                      "en": "Feed “{feed}”: {problem}. {fix} The station tries again in {seconds} s;"
                            " bulletins already taken are kept."},
    "feeds.recovered": {"vi": "Nguồn tin «{feed}» đã lấy được trở lại",
                        "en": "Feed “{feed}” is reachable again"},
    "feeds.taken": {"vi": "Đã nhận bản tin {id} (phiên bản {version}) từ nguồn «{feed}»: {title} — {state}",
                    "en": "Bulletin {id} (version {version}) taken from feed “{feed}”: {title} — {state}"},
    "feeds.withdrawn": {"vi": "Đã rút bản tin {id}: nguồn «{feed}» đã hủy hoặc gỡ nó",
                        "en": "Bulletin {id} withdrawn: feed “{feed}” cancelled or removed it"},
    "feeds.cancelled": {"vi": "Nguồn «{feed}» đã hủy tin {id} (CAP Cancel)",
                        "en": "Feed “{feed}” cancelled item {id} (CAP Cancel)"},
    "feeds.gone_from_feed": {"vi": "Nguồn «{feed}» không còn đăng tin {id} (đài nguồn đã rút hoặc từ chối)",
                             "en": "Feed “{feed}” no longer lists item {id} (its station withdrew or rejected it)"},
    "feeds.approver": {"vi": "nguồn tin tin cậy «{feed}»", "en": "trusted feed “{feed}”"},
    "feeds.trusted_emergency": {"vi": "Bản tin KHẨN CẤP {id} từ nguồn tin cậy «{feed}»: phát ngay, "
                                      "không chờ duyệt",
                                "en": "EMERGENCY bulletin {id} from trusted feed “{feed}”: on air "
                                      "now, without approval"},
    "feeds.original_from": {"vi": "nhận từ nguồn «{feed}» ({station})",
                            "en": "taken from feed “{feed}” ({station})"},
    "feeds.item_expired": {"vi": "Nguồn «{feed}»: tin {id} đã hết hạn lúc {until}, không nhận",
                           "en": "Feed “{feed}”: item {id} expired at {until}; not taken"},
    "feeds.item_unreadable": {"vi": "Nguồn «{feed}»: không đọc được tin {id}: {error}. Báo đài nguồn "
                                    "sửa tin; đài sẽ nhận khi tin được sửa.",
                              "en": "Feed “{feed}”: item {id} cannot be read: {error}. Ask its "
                                    "station to fix it; it is taken once fixed."},
    "feeds.item_no_id": {"vi": "{url}: tin «{title}» không có mã (id/guid) nên không nhận (không thể "
                               "tránh nhận trùng). Báo đài nguồn thêm mã cho từng tin.",
                         "en": "{url}: item “{title}” has no id (id/guid) and is not taken (it could "
                               "not be de-duplicated). Ask its station to give every item an id."},
    "feeds.item_no_text": {"vi": "{url}: tin {id} không có nội dung chữ để đọc, không nhận",
                           "en": "{url}: item {id} has no text to read; not taken"},
    "feeds.item_bad": {"vi": "{url}: một mục trong danh sách tin không đúng dạng ({error}), đã bỏ qua",
                       "en": "{url}: an entry of the item list is malformed ({error}); skipped"},
    "feeds.enclosure_type": {"vi": "{url}: tin {id} kèm tệp loại {type}, không phải âm thanh: bỏ tệp, "
                                   "đài đọc nội dung chữ bằng giọng của đài",
                             "en": "{url}: item {id} carries a {type} file, not audio: the file is "
                                   "left out and the station reads the text in its own voice"},
    "feeds.enclosure_big": {"vi": "{url}: tin {id} kèm tệp âm thanh {mb} MB, quá giới hạn {limit} MB "
                                  "(feeds.max_enclosure_mb): bỏ tệp, đài đọc nội dung chữ",
                            "en": "{url}: item {id} carries a {mb} MB audio file, over the {limit} MB "
                                  "limit (feeds.max_enclosure_mb): the file is left out and the "
                                  "station reads the text"},
    "feeds.cap_not_actual": {"vi": "{url}: cảnh báo CAP {id} có trạng thái {status} (không phải Actual): "
                                   "không phát",
                             "en": "{url}: CAP alert {id} has status {status} (not Actual): not aired"},
    "feeds.cap_entry_empty": {"vi": "{url}: mục {id} của nguồn CAP không chứa cũng không trỏ tới cảnh báo",
                              "en": "{url}: entry {id} of the CAP feed neither holds nor links an alert"},
    "feeds.http_status": {"vi": "máy chủ {url} trả lời lỗi {status} {reason}",
                          "en": "the server at {url} answered {status} {reason}"},
    "feeds.http_status.fix": {"vi": "Kiểm tra địa chỉ url của nguồn trong station.yaml (mục feeds) "
                                    "còn đúng, hoặc hỏi đài nguồn địa chỉ mới.",
                              "en": "Check the source's url in station.yaml (feeds) is still right, "
                                    "or ask its station for the new address."},
    "feeds.timeout": {"vi": "{url} không trả lời hết trong {seconds} giây",
                      "en": "{url} did not answer in full within {seconds} s"},
    "feeds.timeout.fix": {"vi": "Kiểm tra mạng Internet của đài; nếu mạng chậm, tăng "
                                "feeds.timeout_seconds.",
                          "en": "Check the station's Internet link; on a slow link raise "
                                "feeds.timeout_seconds."},
    "feeds.unreachable": {"vi": "không kết nối được tới {url} ({error})",
                          "en": "cannot connect to {url} ({error})"},
    "feeds.unreachable.fix": {"vi": "Kiểm tra mạng Internet của đài và địa chỉ url của nguồn; nếu "
                                    "máy chủ nguồn tắt, báo đài nguồn.",
                              "en": "Check the station's Internet link and the source's url; if "
                                    "the source's server is down, tell its station."},
    "feeds.too_big": {"vi": "{url} gửi {kb} KB, quá giới hạn {limit} KB (feeds.max_feed_kb); không đọc",
                      "en": "{url} sends {kb} KB, over the {limit} KB limit (feeds.max_feed_kb); "
                            "not read"},
    "feeds.too_big.fix": {"vi": "Nếu nguồn này thật sự lớn như vậy, tăng feeds.max_feed_kb; nếu "
                                "không, địa chỉ url có thể trỏ nhầm tệp.",
                          "en": "If this feed really is that large, raise feeds.max_feed_kb; "
                                "otherwise the url may point at the wrong file."},
    "feeds.xml_unsafe": {"vi": "{url} chứa XML không an toàn ({error}: thực thể DTD hoặc thực thể "
                               "ngoài) nên bị từ chối",
                         "en": "{url} holds unsafe XML ({error}: DTD or external entities) and is "
                               "refused"},
    "feeds.xml_unsafe.fix": {"vi": "Báo đài nguồn: tin phải là XML thường, không có <!DOCTYPE> với "
                                   "<!ENTITY>. Nếu không rõ nguồn này, hãy gỡ nó khỏi feeds.",
                             "en": "Tell its station: feeds must be plain XML without <!DOCTYPE> "
                                   "entities. If you do not know this source, remove it from feeds."},
    "feeds.xml_bad": {"vi": "{url} không phải XML hợp lệ (dòng {line}, cột {col}: {error})",
                      "en": "{url} is not well-formed XML (line {line}, column {col}: {error})"},
    "feeds.xml_bad.fix": {"vi": "Báo đài nguồn sửa tệp tin; đài tự lấy lại khi tệp được sửa.",
                          "en": "Ask its station to fix the feed; it is taken again once fixed."},
    "feeds.json_bad": {"vi": "{url} không phải JSON hợp lệ ({error})",
                       "en": "{url} is not valid JSON ({error})"},
    "feeds.json_bad.fix": {"vi": "Báo đài nguồn sửa tệp tin; đài tự lấy lại khi tệp được sửa.",
                           "en": "Ask its station to fix the feed; it is taken again once fixed."},
    "feeds.json_not_feed": {"vi": "{url} là JSON nhưng không phải JSON Feed 1.1 (thiếu version hoặc items)",
                            "en": "{url} is JSON but not a JSON Feed 1.1 (no version or items)"},
    "feeds.json_not_feed.fix": {"vi": "Dùng địa chỉ feed.json trên trang công khai của đài nguồn.",
                                "en": "Use the feed.json address of the source station's public archive."},
    "feeds.not_a_feed": {"vi": "{url} không phải nguồn tin (không phải JSON hay XML; có thể là trang web)",
                         "en": "{url} is not a feed (neither JSON nor XML; perhaps a web page)"},
    "feeds.not_a_feed.fix": {"vi": "Dùng địa chỉ feed.json, atom.xml hoặc rss.xml của đài nguồn.",
                             "en": "Use the source station's feed.json, atom.xml or rss.xml address."},
    "feeds.xml_not_feed": {"vi": "{url} là XML nhưng không phải nguồn tin (phần tử gốc <{root}>)",
                           "en": "{url} is XML but not a feed (root element <{root}>)"},
    "feeds.xml_not_feed.fix": {"vi": "Dùng địa chỉ atom.xml hoặc rss.xml của đài nguồn.",
                               "en": "Use the source station's atom.xml or rss.xml address."},
    "feeds.wrong_kind_cap": {"vi": "{url} là cảnh báo CAP, nhưng nguồn khai kind: station",
                             "en": "{url} is a CAP alert, but the source says kind: station"},
    "feeds.wrong_kind_cap.fix": {"vi": "Đổi kind của nguồn này thành cap trong station.yaml.",
                                 "en": "Set this source's kind to cap in station.yaml."},
    "feeds.cap_not_cap": {"vi": "{url} không phải cảnh báo CAP 1.2 hay nguồn Atom (phần tử gốc <{root}>)",
                          "en": "{url} is neither a CAP 1.2 alert nor an Atom feed (root element <{root}>)"},
    "feeds.cap_not_cap.fix": {"vi": "Kiểm tra url; nguồn tin của đài khác thì khai kind: station.",
                              "en": "Check the url; another station's feed takes kind: station."},
    "feeds.cap_namespace": {"vi": "{url}: cảnh báo không theo CAP 1.2 (không gian tên {ns})",
                            "en": "{url}: the alert is not CAP 1.2 (namespace {ns})"},
    "feeds.cap_namespace.fix": {"vi": "Đài chỉ đọc CAP 1.2 (urn:oasis:names:tc:emergency:cap:1.2); báo "
                                      "nơi gửi.",
                                "en": "The station reads CAP 1.2 (urn:oasis:names:tc:emergency:cap:1.2);"
                                      " tell the sender."},
    "feeds.cap_no_id": {"vi": "{url}: cảnh báo CAP thiếu <identifier>",
                        "en": "{url}: the CAP alert has no <identifier>"},
    "feeds.cap_no_id.fix": {"vi": "Báo nơi gửi: mỗi cảnh báo phải có identifier riêng.",
                            "en": "Tell the sender: every alert needs its own identifier."},
    "feeds.cap_no_info": {"vi": "{url}: cảnh báo CAP {id} không có khối <info> để đọc",
                          "en": "{url}: CAP alert {id} has no <info> block to read"},
    "feeds.cap_no_info.fix": {"vi": "Báo nơi gửi thêm khối info (tốt nhất với language vi-VN).",
                              "en": "Tell the sender to add an info block (ideally language vi-VN)."},
    "feeds.cap_no_text": {"vi": "{url}: cảnh báo CAP {id} không có headline, description hay instruction",
                          "en": "{url}: CAP alert {id} has no headline, description or instruction"},
    "feeds.cap_no_text.fix": {"vi": "Báo nơi gửi điền nội dung cảnh báo.",
                              "en": "Tell the sender to fill in the alert's text."},
    "feeds.bad_scheme": {"vi": "{url} không phải địa chỉ http:// hay https:// nên không được đọc",
                         "en": "{url} is not an http:// or https:// address and is not read"},
    "feeds.bad_scheme.fix": {"vi": "Báo nơi gửi: liên kết tới cảnh báo phải là địa chỉ web.",
                             "en": "Tell the sender: links to alerts must be web addresses."},
    "feeds.store_error": {"vi": "không ghi được tin của nguồn «{feed}» vào kho ({error})",
                          "en": "cannot write feed “{feed}”'s items to the store ({error})"},
    "feeds.store_error.fix": {"vi": "Kiểm tra ổ đĩa còn chỗ trống (broadcaster doctor).",
                              "en": "Check the disk has free space (broadcaster doctor)."},
    "doctor.feeds.never": {"vi": "nguồn «{feed}» ({url}): chưa lấy lần nào (đài chưa chạy từ khi thêm nguồn?)",
                           "en": "feed “{feed}” ({url}): never polled yet (station not run since it was added?)"},
    "doctor.feeds.ok": {"vi": "nguồn «{feed}»: lấy được lúc {when}, đã nhận {taken} bản tin",
                        "en": "feed “{feed}”: fetched at {when}, {taken} bulletins taken"},
    "doctor.feeds.failing": {"vi": "lỗi {failures} lần liên tiếp (lần cuối {when}): {error}",
                             "en": "failed {failures} times in a row (last at {when}): {error}"},
    # --- web desk: output level, disk, a slot's program and its prepared audio (desk2, issue 14)
    "web.level.rms": {"vi": "Mức (RMS)", "en": "Level (RMS)"},
    "web.level.peak": {"vi": "Đỉnh", "en": "Peak"},
    "web.level.none": {"vi": "Chưa đo được mức âm thanh phát ra", "en": "No measurement of the output level"},
    "web.disk.title": {"vi": "Ổ đĩa", "en": "Disk"},
    "web.disk.free": {"vi": "Còn trống {free} GB / {total} GB (thư mục var/ của đài)",
                      "en": "{free} GB free of {total} GB (the station's var/ folder)"},
    "web.disk.days": {"vi": "Đủ lưu trữ khoảng {days} ngày nữa (mỗi ngày khoảng {per_day} MB)",
                      "en": "Room for about {days} more days of archive (about {per_day} MB a day)"},
    "web.disk.no_archive": {"vi": "Chưa có bản lưu trữ nào để ước tính số ngày",
                            "en": "No archive yet to estimate the days from"},
    "web.disk.warn": {"vi": "Sắp hết chỗ (dưới {low} MB hoặc dưới {days} ngày lưu trữ): xoá bớt "
                            "tệp cũ trong var/ hoặc giảm program.archive_days trong station.yaml",
                      "en": "Disk nearly full (under {low} MB or under {days} days of archive): "
                            "remove old files under var/ or lower program.archive_days in station.yaml"},
    "web.program.no_slot": {"vi": "Ngày {date} không có buổi phát {slot}",
                            "en": "No slot {slot} airs on {date}"},
    "web.program.source.week": {"vi": "Buổi phát của lịch tuần (schedules/week.yaml)",
                                "en": "A slot of the week template (schedules/week.yaml)"},
    "web.program.source.day": {"vi": "Buổi phát riêng của ngày này (schedules/NGÀY.yaml)",
                               "en": "This date's own slot (schedules/DATE.yaml)"},
    "web.program.saved": {"vi": "Đã lưu và cài đặt chương trình (như lệnh load)",
                          "en": "Program saved and installed (as load does)"},
    "web.program.listen": {"vi": "Nghe chương trình đã dựng", "en": "Listen to the prepared program"},
    "web.program.not_prepared": {"vi": "Đài chưa dựng chương trình cho buổi này (đài dựng sẵn trước giờ "
                                       "phát); hãy mở lại trang gần giờ phát",
                                 "en": "The station has not built this airing's program yet (it "
                                       "prepares it ahead of air); open this page again closer to air"},
    "web.program.length": {"vi": "Dài {length}", "en": "Length {length}"},
    "web.rundown.start": {"vi": "Bắt đầu", "en": "Starts"},
    "web.rundown.item": {"vi": "Mục", "en": "Item"},
    "web.rundown.duration": {"vi": "Dài", "en": "Length"},
    "web.program.edit": {"vi": "Sửa chương trình", "en": "Edit the program"},
    "web.program.title": {"vi": "Chương trình", "en": "Program"},
    "web.program.help": {"vi": "Mỗi dòng một mục, phát theo thứ tự. Nội dung: tên nhạc hiệu (open, "
                               "close, between), câu cần đọc, các nhãn bản tin cách nhau bằng dấu "
                               "phẩy (để trống: mọi bản tin), tên tệp, hoặc số mili giây im lặng. "
                               "Giới hạn: số bản tin tối đa, hoặc số giây nhạc tối đa. Chọn "
                               "«bỏ mục này» để xoá một mục.",
                         "en": "One item a line, aired in order. Content: a jingle name (open, "
                               "close, between), the sentence to say, bulletin tags separated by "
                               "commas (empty: every bulletin), a file name, or milliseconds of "
                               "silence. Limit: most bulletins, or most seconds of music. Choose "
                               "'remove this item' to delete one."},
    "web.program.kind": {"vi": "Loại", "en": "Kind"},
    "web.program.value": {"vi": "Nội dung", "en": "Content"},
    "web.program.limit": {"vi": "Giới hạn", "en": "Limit"},
    "web.program.kind.none": {"vi": "— bỏ mục này —", "en": "— remove this item —"},
    "web.program.kind.jingle": {"vi": "Nhạc hiệu", "en": "Jingle"},
    "web.program.kind.say": {"vi": "Câu đọc", "en": "Say"},
    "web.program.kind.bulletins": {"vi": "Bản tin (chọn theo nhãn)", "en": "Bulletins (by tag)"},
    "web.program.kind.bulletin": {"vi": "Bản tin (tệp)", "en": "Bulletin (file)"},
    "web.program.kind.music": {"vi": "Nhạc", "en": "Music"},
    "web.program.kind.audio": {"vi": "Tệp âm thanh", "en": "Audio file"},
    "web.program.kind.silence_ms": {"vi": "Im lặng (ms)", "en": "Silence (ms)"},
    "web.program.kind.silence": {"vi": "Im lặng", "en": "Silence"},
    "web.program.kind.recording": {"vi": "Bản ghi âm", "en": "Recording"},
    "web.program.scope": {"vi": "Áp dụng cho", "en": "Applies to"},
    "web.program.scope.week": {"vi": "Mọi tuần (sửa lịch tuần)", "en": "Every week (the week template)"},
    "web.program.scope.day": {"vi": "Chỉ ngày {date}", "en": "Only {date}"},
    "web.program.save": {"vi": "Lưu và cài đặt", "en": "Save and install"},
    # --- watchdog: ears on the output (issue 15.4) -----------------------------------------
    "watch.check.listening": {"vi": "nghe đầu ra", "en": "listening"},
    "watch.check.dead_air": {"vi": "mất tiếng khi đang phát", "en": "dead air"},
    "watch.check.unexpected_sound": {"vi": "có tiếng khi không phát", "en": "sound while idle"},
    "watch.listening": {"vi": "đang nghe", "en": "hearing the output"},
    "watch.deaf": {"vi": "không nghe được đầu ra này (không nhận được âm thanh)",
                   "en": "cannot hear this output (nothing received)"},
    "watch.cannot_judge": {"vi": "chưa đánh giá được (chưa nghe được mức âm)",
                           "en": "cannot judge (no level heard)"},
    "watch.nothing_to_air": {"vi": "không có chương trình đang phát", "en": "nothing should be on air"},
    "watch.signal": {"vi": "có tín hiệu ({level} dBFS)", "en": "signal present ({level} dBFS)"},
    "watch.dead_air": {"vi": "MẤT TIẾNG {seconds} giây khi đang phát {slot} (mức {level} dBFS): "
                                "kiểm tra bộ phát, dây nối, bộ khuếch đại",
                       "en": "DEAD AIR for {seconds} s while {slot} plays (level {level} dBFS): "
                             "check the player, the cable, the amplifier"},
    "watch.on_air_ok": {"vi": "đang phát: tiếng là bình thường", "en": "on air: sound expected"},
    "watch.quiet": {"vi": "yên lặng như mong đợi", "en": "quiet, as expected"},
    "watch.unexpected": {"vi": "CÓ TIẾNG {seconds} giây khi không có chương trình nào (mức {level}"
                                " dBFS): có thiết bị khác đang phát ra loa?",
                         "en": "SOUND for {seconds} s while nothing should be on air (level "
                               "{level} dBFS): is something else playing to the loudspeakers?"},
    "watch.alert": {"vi": "[{station}] Giám sát đầu ra {ear}: {check} — {detail}",
                    "en": "[{station}] Output watch {ear}: {check} — {detail}"},
    "watch.back": {"vi": "{ear}: hết lỗi \"{check}\" sau {seconds} giây",
                   "en": "{ear}: \"{check}\" back to normal after {seconds} s"},
    "watch.no_monitor": {"vi": "không nghe được đầu ra ({why}): dùng báo cáo của bộ phát: {report}",
                         "en": "no monitor of the output ({why}): relying on the player's own "
                               "report: {report}"},
    "watch.not_a_sound_card": {"vi": "đài không phát ra card âm thanh", "en": "the station does not air on a sound card"},
    "watch.auto_named_device": {
        "vi": "đầu ra là audio.output_device={device}, không phải đầu ra mặc định của máy chủ âm thanh:"
              " ghi tên nguồn monitor của nó vào watchdog.monitor (xem pactl list short sources)",
        "en": "the output is audio.output_device={device}, not the sound server's default: name its"
              " monitor source in watchdog.monitor (see pactl list short sources)"},
    "log.marks": {"vi": "Ghi nhận khi nghe đầu ra:", "en": "Heard on the output:"},
    "watch.player_ok": {"vi": "không báo lỗi", "en": "no error reported"},
    "watch.monitor_off": {"vi": "watchdog.monitor: off", "en": "watchdog.monitor: off"},
    "watch.starting": {"vi": "Giám sát đầu ra: nghe {ears}", "en": "Output watch: listening to {ears}"},
    "status.watchdog": {"vi": "Giám sát đầu ra:", "en": "Output watch:"},
    "status.level": {"vi": "Mức đầu ra: {rms} dBFS (đỉnh {peak} dBFS)",
                     "en": "Output level: {rms} dBFS (peak {peak} dBFS)"},
    "doctor.watch.monitor": {"vi": "nghe được đầu ra qua {source}", "en": "can hear the output via {source}"},
    "doctor.watch.no_monitor": {
        "vi": "không nghe được đầu ra ({why}): mất tiếng chỉ được phát hiện qua báo cáo của bộ phát"
              " (Windows, ALSA thuần không có nguồn monitor; dùng PulseAudio/PipeWire)",
        "en": "cannot hear the output ({why}): dead air is only caught through the player's own "
              "report (Windows and plain ALSA have no monitor source; use PulseAudio/PipeWire)"},
    "doctor.watch.off": {"vi": "giám sát đầu ra đang tắt (watchdog.enabled: false)",
                         "en": "output watch is off (watchdog.enabled: false)"},
    "doctor.watch.mount_ok": {"vi": "nghe được ({kind})", "en": "reachable ({kind})"},
    "doctor.watch.mount_bad": {"vi": "không nghe được: {why} (kiểm tra Icecast, tên mount, mạng)",
                               "en": "cannot listen: {why} (check Icecast, the mount name, the network)"},
    "doctor.watch.failing": {"vi": "đang lỗi: {checks}", "en": "failing now: {checks}"},
    "doctor.watch.all_ok": {"vi": "mọi kiểm tra đạt ({n})", "en": "all checks pass ({n})"},
    "config.bad_mount_url": {"vi": "watchdog.mounts: \"{value}\" không phải địa chỉ http(s)://máy/mount",
                             "en": "watchdog.mounts: \"{value}\" is not an http(s)://host/mount URL"},
    # --- web desk: edit as a new version, word diff, speech players, pages (desk1, issue 14) --
    "web.edit": {"vi": "Sửa bản tin", "en": "Edit"},
    "web.edit.heading": {"vi": "Sửa bản tin", "en": "Edit the bulletin"},
    "web.edit.note": {
        "vi": "Bản sửa được lưu thành phiên bản {version} và phải được duyệt lại trước khi phát",
        "en": "The edit is saved as version {version} and must be approved again before it airs",
    },
    "web.edit.save": {"vi": "Lưu thành phiên bản mới", "en": "Save as a new version"},
    "web.edit.saved": {
        "vi": "Đã lưu bản sửa của «{title}»; đài nhận nó thành phiên bản {version}, chờ duyệt lại",
        "en": "The edit of “{title}” is saved; the station takes it as version {version}, to be approved again",
    },
    "web.edit.not_editable": {
        "vi": "Không sửa được bản tin {id} ({source}, {state}) trên trang: chỉ sửa được bản tin chữ (.txt) còn chờ phát hoặc bị từ chối. Sửa tệp gốc rồi thả lại vào thư mục inbox/ với cùng tên",
        "en": "Bulletin {id} ({source}, {state}) cannot be edited here: only a text bulletin (.txt) that may still air or was refused can. Edit the original file and drop it into inbox/ again under the same name",
    },
    "web.edit.unchanged": {
        "vi": "Bản tin {id}: nội dung, tiêu đề, mức ưu tiên và số lần phát đều không đổi nên không có phiên bản mới; sửa rồi lưu lại",
        "en": "Bulletin {id}: text, title, priority and repeat are unchanged, so there is no new version; change something and save again",
    },
    "web.diff": {"vi": "Thay đổi so với phiên bản {version}", "en": "Changes since version {version}"},
    "web.diff.first": {"vi": "Phiên bản đầu tiên", "en": "First version"},
    "web.diff.none": {
        "vi": "Nội dung chữ không đổi (chỉ đổi tiêu đề hay thông tin khác)",
        "en": "The text is unchanged (only the title or other details changed)",
    },
    "web.diff.legend": {
        "vi": "Chữ xanh gạch chân: thêm vào; chữ đỏ gạch ngang: bỏ đi",
        "en": "Green underlined: added; red struck through: removed",
    },
    "web.diff.recording": {
        "vi": "Bản ghi âm mới thay cho phiên bản {version} (không so sánh được chữ): nghe lại toàn bộ",
        "en": "A new recording replaces version {version} (no text to compare): listen to all of it",
    },
    "web.listen": {"vi": "Nghe thử", "en": "Listen"},
    "web.listen.title": {"vi": "Nghe bản đọc", "en": "Listen to the speech"},
    "web.listen.again": {"vi": "Đọc lại nội dung hiện tại", "en": "Read the current text again"},
    "web.listen.queued": {"vi": "Đang chờ đến lượt đọc…", "en": "Waiting for its turn…"},
    "web.listen.rendering": {"vi": "Đang đọc thành tiếng: {done}/{total} đoạn",
                             "en": "Reading aloud: {done}/{total} pieces"},
    "web.listen.failed": {
        "vi": "Không đọc được: {error}. Bấm «Nghe thử» để thử lại; nếu vẫn lỗi, xem bộ đọc ở trang Tình trạng",
        "en": "Could not read it: {error}. Press “Listen” to try again; if it fails again, see the speech engines on the Status page",
    },
    "web.listen.busy": {
        "vi": "Máy đang bận đọc các bản tin khác; bấm lại sau ít giây",
        "en": "The station is busy reading other bulletins; press again in a few seconds",
    },
    "web.listen.gone": {
        "vi": "Bản đọc này không còn trên máy; bấm «Nghe thử» để đọc lại",
        "en": "This reading is no longer kept; press “Listen” to read it again",
    },
    "web.listen.empty": {"vi": "Chưa có nội dung để đọc: nhập nội dung bản tin trước",
                         "en": "Nothing to read yet: type the bulletin's text first"},
    "web.page": {"vi": "Trang {page}/{pages}", "en": "Page {page} of {pages}"},
    "web.page.prev": {"vi": "← Trang trước", "en": "← Previous"},
    "web.page.next": {"vi": "Trang sau →", "en": "Next →"},
}


def describe_error(err: Mapping[str, Any]) -> str:
    """A pydantic error in the operator's language (our own validators' text is kept)."""
    kind = err.get("type", "")
    if kind == "value_error":
        return str(err.get("msg", "")).removeprefix("Value error, ")
    ctx = {k: v for k, v in (err.get("ctx") or {}).items()}
    if f"v.{kind}" in CATALOG:
        return t(f"v.{kind}", **ctx)
    return str(err.get("msg", kind))


def label(kind: str, value: object) -> str:
    """An enum value (outcome, state) in the operator's language: ``label("outcome", "missed")``."""
    return t(f"{kind}.{value}") if f"{kind}.{value}" in CATALOG else str(value)


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
