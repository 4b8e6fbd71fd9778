"""The desk's security promises: sessions, CSRF, CSP, escaping, paths, uploads, throttling."""

from __future__ import annotations

import io
import zipfile

import requests

from tests.web.conftest import PASSWORD, Served, csrf, login

EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_every_route_but_login_needs_a_session(served: Served) -> None:
    for path in ("/", "/bulletins", "/bulletins/new", "/approvals", "/emergency", "/asrun",
                 "/asrun.csv", "/audit", "/events", "/panel", "/schedule", "/report",
                 "/report.csv", "/status"):
        r = requests.get(served.url + path, allow_redirects=False, timeout=10)
        assert r.status_code == 303 and r.headers["Location"] == "/login", path
    assert requests.get(served.url + "/login", timeout=10).status_code == 200
    r = requests.post(served.url + "/bulletins/new", data={"body": "x"}, allow_redirects=False,
                      timeout=10)
    assert r.status_code == 303
    assert not list(served.station.inbox_dir.glob("*.txt"))


def test_cookies_and_headers(served: Served) -> None:
    s = requests.Session()
    page = s.get(served.url + "/login", timeout=10)
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "<script>" not in page.text.replace('<script src="/static/', "")
    import re

    pre = re.search(r'name="pre" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    r = s.post(served.url + "/login", data={"name": "admin", "password": PASSWORD, "pre": pre},
               allow_redirects=False, timeout=30)
    cookie = r.headers["Set-Cookie"]
    assert "desk_session=" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie


def test_post_without_or_with_stale_csrf_is_refused(served: Served) -> None:
    s = login(served.url, "editor")
    form = {"title": "t", "body": "Nội dung bản tin.", "priority": "normal", "repeat": "1"}
    assert s.post(served.url + "/bulletins/new", data=form, timeout=10).status_code == 403
    stale = csrf(s, served.url)
    s.post(served.url + "/logout", data={"csrf": stale}, timeout=10)
    s2 = login(served.url, "editor")
    r = s2.post(served.url + "/bulletins/new", data={**form, "csrf": stale}, timeout=10)
    assert r.status_code == 403
    assert not list(served.station.inbox_dir.glob("*.txt"))
    ok = s2.post(served.url + "/bulletins/new", data={**form, "csrf": csrf(s2, served.url)},
                 timeout=10)
    assert ok.status_code == 200 and len(list(served.station.inbox_dir.glob("*.txt"))) == 1


def test_login_form_without_its_token_is_refused(served: Served) -> None:
    r = requests.post(served.url + "/login", data={"name": "admin", "password": PASSWORD},
                      allow_redirects=False, timeout=10)
    assert r.status_code == 403


def test_html_in_title_body_and_file_name_is_shown_as_text(served: Served) -> None:
    s = login(served.url, "editor")
    r = s.post(served.url + "/bulletins/new", timeout=30, data={
        "csrf": csrf(s, served.url), "title": EVIL, "body": f"Tin {EVIL} hôm nay.",
        "priority": "normal", "repeat": "1"})
    assert r.status_code == 200
    files = {"file": (f'{EVIL}.txt', "Thông báo họp tổ dân phố.".encode(), "text/plain")}
    r = s.post(served.url + "/bulletins/new", files=files, data={"csrf": csrf(s, served.url)},
               timeout=30)
    assert r.status_code == 200
    names = [p.name for p in served.station.inbox_dir.iterdir()]
    assert all("<" not in n and "/" not in n for n in names)
    served.ingest()
    pages = [s.get(served.url + p, timeout=10).text for p in ("/bulletins", "/approvals", "/")]
    store = served.store()
    ids = [r.id for r in store.all()]
    store.close()
    pages += [s.get(f"{served.url}/bulletins/{i}", timeout=10).text for i in ids]
    preview = s.post(served.url + "/bulletins/preview", timeout=10,
                     data={"csrf": csrf(s, served.url), "body": EVIL}).text
    for html in [*pages, preview]:
        assert "<script>alert" not in html and "<img src=x" not in html
    assert any("&lt;script&gt;" in html for html in pages)


def test_no_route_serves_a_file_outside_the_package_static_folder(served: Served) -> None:
    s = login(served.url, "admin")
    assert s.get(served.url + "/static/desk.css", timeout=10).status_code == 200
    for path in ("/static/../users.py", "/static/%2e%2e/users.py", "/static/..%2f..%2fdefaults.yaml",
                 "/static/%2e%2e%2f%2e%2e%2fstation.yaml", "/bulletins/..%2f..%2fstation.yaml",
                 "/static//etc/passwd"):
        r = s.get(served.url + path, timeout=10)
        assert r.status_code in (403, 404), path
        assert "argon2" not in r.text and "web:" not in r.text


def test_too_large_upload_and_binary_named_txt_are_refused(served: Served) -> None:
    s = login(served.url, "editor")
    limit = int(served.station.settings.web.max_upload_mb * 2**20)
    big = {"file": ("lon.txt", b"a" * (limit + 1), "text/plain")}
    r = s.post(served.url + "/bulletins/new", files=big, data={"csrf": csrf(s, served.url)},
               timeout=60)
    assert r.status_code in (400, 413)
    binary = {"file": ("anh.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20, "text/plain")}
    r = s.post(served.url + "/bulletins/new", files=binary, data={"csrf": csrf(s, served.url)},
               timeout=30)
    assert r.status_code == 400 and "anh.txt" in r.text
    fake_docx = {"file": ("van-ban.docx", "chữ thường".encode(), "application/octet-stream")}
    r = s.post(served.url + "/bulletins/new", files=fake_docx, data={"csrf": csrf(s, served.url)},
               timeout=30)
    assert r.status_code == 400
    assert not list(served.station.inbox_dir.iterdir())


def test_a_real_docx_is_taken(served: Served) -> None:
    import docx

    buf = io.BytesIO()
    d = docx.Document()
    d.add_paragraph("Thông báo lịch cắt điện ngày 6/12.")
    d.save(buf)
    assert zipfile.is_zipfile(io.BytesIO(buf.getvalue()))
    s = login(served.url, "editor")
    r = s.post(served.url + "/bulletins/new", data={"csrf": csrf(s, served.url)}, timeout=30,
               files={"file": ("Lịch cắt điện.docx", buf.getvalue(), "application/octet-stream")})
    assert r.status_code == 200
    (name,) = [p.name for p in served.station.inbox_dir.iterdir()]
    assert name.startswith("lich-cat-dien-") and name.endswith(".docx")


def test_login_attempts_are_throttled(served: Served) -> None:
    import re

    s = requests.Session()
    codes = []
    for _ in range(7):
        page = s.get(served.url + "/login", timeout=10)
        pre = re.search(r'name="pre" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        codes.append(s.post(served.url + "/login", timeout=30, allow_redirects=False,
                            data={"name": "admin", "password": "sai-mat-khau", "pre": pre}
                            ).status_code)
    assert codes[:5] == [401] * 5 and codes[-1] == 429
    page = s.get(served.url + "/login", timeout=10)
    pre = re.search(r'name="pre" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    r = s.post(served.url + "/login", timeout=30, allow_redirects=False,
               data={"name": "admin", "password": PASSWORD, "pre": pre})
    assert r.status_code == 429  # even the right password waits until the pause is over
