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
    "emergency.need_text": {"vi": "cần tệp bản tin hoặc --text", "en": "a bulletin file or --text is needed"},
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
        "vi": "Bản tin '{id}' đang ở trạng thái {state}, không duyệt được",
        "en": "Bulletin '{id}' is {state} and cannot be approved",
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
    "db.schema_newer.hint": {
        "vi": "cài lại phiên bản broadcaster mới hơn, hoặc khôi phục bản sao lưu của tệp này",
        "en": "install the newer broadcaster again, or restore this file from its backup",
    },
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
