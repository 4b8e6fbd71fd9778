"""Every operator-facing sentence, in Vietnamese (default) and English, in one catalog.

Language: ``BROADCASTER_LANG`` (``vi``/``en``) wins, then the station's ``language`` setting.
Use ``t("key", name=value)``; a missing key falls back to English, then to the key itself.
"""

from __future__ import annotations

import os

_language: str | None = None

CATALOG: dict[str, dict[str, str]] = {
    # --- lead: pipeline, station assembly, late bulletins ----------------------------------
    "status.next_airing": {"vi": "phát lần tới", "en": "next airing"},
    "status.awaiting": {"vi": "chờ duyệt", "en": "awaiting approval"},
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
        "vi": "Tệp {name} có đuôi {ext}: đài chỉ đọc được tệp văn bản .txt và tệp Word .docx",
        "en": "{name} has extension {ext}: only .txt text and .docx Word files can be read",
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
    "outcome.on_air": {"vi": "đang phát", "en": "on air"},
    "outcome.aired": {"vi": "đã phát", "en": "aired"},
    "outcome.late": {"vi": "phát trễ", "en": "late"},
    "outcome.missed": {"vi": "bỏ lỡ", "en": "missed"},
    "outcome.interrupted": {"vi": "bị ngắt", "en": "interrupted"},
    "outcome.failed": {"vi": "thất bại", "en": "failed"},
    "outcome.emergency": {"vi": "khẩn cấp", "en": "emergency"},
}


def describe_error(err: dict) -> str:
    """A pydantic error in the operator's language (our own validators' text is kept)."""
    kind = err.get("type", "")
    if kind == "value_error":
        return str(err.get("msg", "")).removeprefix("Value error, ")
    ctx = {k: v for k, v in (err.get("ctx") or {}).items()}
    if f"v.{kind}" in CATALOG:
        return t(f"v.{kind}", **ctx)
    return str(err.get("msg", kind))


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
