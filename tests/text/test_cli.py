"""``broadcaster text FILE|-`` contract: the script on stdout, --explain, exit 1 on bad input (point 5)."""

from __future__ import annotations

import subprocess
import sys
import unicodedata
from pathlib import Path

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
