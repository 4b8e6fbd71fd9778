"""``broadcaster text FILE|-`` contract: the script on stdout, --explain, exit 1 on bad input (point 5)."""

from __future__ import annotations

import subprocess
import sys
import unicodedata
from pathlib import Path

from stationfile import amend

CORPUS = Path(__file__).parents[1] / "corpus"


def run(*args: str, stdin: bytes = b"", cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "broadcaster", "--station", str(cwd), "text", *args],
                          input=stdin, capture_output=True, timeout=60, cwd=cwd)


def test_file_prints_script_only(tmp_path: Path) -> None:
    sample = CORPUS / "ke-hoach-tuyen-truyen-nq57.txt"
    res = run(str(sample), cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()
    out = res.stdout.decode("utf-8")
    assert out == unicodedata.normalize("NFC", out)
    assert out.splitlines() == (CORPUS / "ke-hoach-tuyen-truyen-nq57.expected.txt").read_text(
        encoding="utf-8").splitlines()


def test_stdin_and_explain(tmp_path: Path) -> None:
    res = run("-", stdin="UBND phường họp lúc 6h30.".encode(), cwd=tmp_path)
    assert res.stdout.decode() == "Ủy ban nhân dân phường họp lúc sáu giờ ba mươi phút.\n"
    res = run("--explain", "-", stdin="UBND phường họp lúc 6h30.".encode(), cwd=tmp_path)
    lines = res.stdout.decode().splitlines()
    assert "abbreviation: UBND -> Ủy ban nhân dân" in lines
    assert "time: 6h30 -> sáu giờ ba mươi phút" in lines


def test_unreadable_input_exits_1_with_message(tmp_path: Path) -> None:
    missing = run(str(tmp_path / "khong-co.txt"), cwd=tmp_path)
    assert missing.returncode == 1 and missing.stdout == b"" and b"khong-co.txt" in missing.stderr
    binary = tmp_path / "a.bin"
    binary.write_bytes(b"\x00\xff" * 500)
    res = run(str(binary), cwd=tmp_path)
    assert res.returncode == 1 and res.stdout == b""
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    res = run(str(empty), cwd=tmp_path)
    assert res.returncode == 1 and b"empty.txt" in res.stderr


def _station(root: Path, dialect: str = "north") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "station.yaml").write_text(f"name: Đài thử\ndialect: {dialect}\n", encoding="utf-8")
    return root


def test_the_settings_snapshot_follows_every_change_of_station_yaml(tmp_path: Path) -> None:
    """``text`` reads the dialect, heading rule and lexicon from a snapshot of the last validated
    settings; an edit of station.yaml is seen at once, and a broken one is still refused."""
    root = _station(tmp_path / "st")
    body = "Họp ngày 105 người.".encode()
    first = run("-", stdin=body, cwd=root)
    assert first.stdout.decode() == "Họp ngày một trăm linh năm người.\n", first.stderr.decode()
    assert (root / "var" / "cache" / "reading.json").is_file()
    assert run("-", stdin=body, cwd=root).stdout == first.stdout  # from the snapshot
    _station(root, dialect="south")
    assert run("-", stdin=body, cwd=root).stdout.decode() == "Họp ngày một trăm lẻ năm người.\n"
    (root / "station.yaml").write_text("name: Đài thử\ndialect: west\n", encoding="utf-8")
    broken = run("-", stdin=body, cwd=root)
    assert broken.returncode == 1 and b"dialect" in broken.stderr and broken.stdout == b""


def test_a_lexicon_named_in_the_snapshot_is_read_fresh(tmp_path: Path) -> None:
    root = _station(tmp_path / "st")
    amend(root / "station.yaml", "text:\n  lexicon: tu-dien.yaml\n")
    (root / "tu-dien.yaml").write_text("HTX: hợp tác xã\n", encoding="utf-8")
    body = "HTX họp.".encode()
    assert run("-", stdin=body, cwd=root).stdout.decode() == "Hợp tác xã họp.\n"
    (root / "tu-dien.yaml").write_text("HTX: hợp tác xã nông nghiệp\n", encoding="utf-8")
    assert run("-", stdin=body, cwd=root).stdout.decode() == "Hợp tác xã nông nghiệp họp.\n"
    moved = tmp_path / "moved"
    root.rename(moved)  # the snapshot names the lexicon relative to the station folder
    assert run("-", stdin=body, cwd=moved).stdout.decode() == "Hợp tác xã nông nghiệp họp.\n"


def test_text_with_a_valid_snapshot_does_not_load_the_settings_models(tmp_path: Path) -> None:
    root = _station(tmp_path / "st")
    assert run("-", stdin=b"Xin chao.", cwd=root).returncode == 0
    probe = ("import sys\nfrom broadcaster.cli import main\n"
             f"rc = main(['--station', {str(root)!r}, 'text', {str(CORPUS / 'tiem-chung.txt')!r}])\n"
             "print('pydantic' in sys.modules, 'broadcaster.config' in sys.modules, rc,"
             " file=sys.stderr)")
    res = subprocess.run([sys.executable, "-c", probe], capture_output=True, timeout=60, text=True)
    assert res.stderr.strip().splitlines()[-1] == "False False 0", res.stderr
