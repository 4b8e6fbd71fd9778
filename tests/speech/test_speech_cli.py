"""`broadcaster render` and `broadcaster engines`, through the real CLI entry point."""

from __future__ import annotations

from pathlib import Path

import pytest
import soundfile as sf

from broadcaster.cli import main


@pytest.fixture
def station_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BROADCASTER_LANG", "en")
    root = tmp_path / "station"
    root.mkdir()
    (root / "station.yaml").write_text("name: Test\nspeech:\n  engines: [espeak]\n", encoding="utf-8")
    return root


def test_render_writes_a_wav_with_progress(station_root: Path, tmp_path: Path, capsys) -> None:
    src = tmp_path / "thong-bao.txt"
    src.write_text("THÔNG BÁO\n\nSáng mai 7 giờ phường tổ chức tổng vệ sinh. Đề nghị bà con tham gia.\n",
                   encoding="utf-8")
    out = tmp_path / "out.wav"
    rc = main(["-s", str(station_root), "render", str(src), "-o", str(out),
               "--engine", "espeak", "--voice", "vi-vn-x-south"])
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    info = sf.info(str(out))
    assert info.duration > 3 and info.samplerate == 22050
    assert "engine espeak" in captured.out and "vi-vn-x-south" in captured.out
    assert "Speaking thong-bao.txt" in captured.err  # the progress bar's label
    assert list((station_root / "var" / "cache" / "speech").rglob("*.pcm"))


def test_render_unknown_voice_fails_with_a_hint(station_root: Path, tmp_path: Path, capsys) -> None:
    src = tmp_path / "a.txt"
    src.write_text("Xin chào bà con.", encoding="utf-8")
    rc = main(["-s", str(station_root), "render", str(src), "-o", str(tmp_path / "a.wav"),
               "--voice", "en-US-Nobody"])
    err = capsys.readouterr().err
    assert rc == 1 and "en-US-Nobody" in err and "vi-vn-x-south" in err
    assert not (tmp_path / "a.wav").exists()


def test_engines_lists_order_voices_and_health(station_root: Path, capsys) -> None:
    rc = main(["-s", str(station_root), "engines", "--no-probe"])
    out = capsys.readouterr().out
    assert rc == 0
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["1", "espeak"] and "offline" in lines[0]
    assert "vi*" in lines[1] and "vi-vn-x-south" in lines[1]
    assert any("gtts" in ln and "breaker=closed" in ln for ln in lines)
    assert any("vi-VN-NamMinhNeural" in ln for ln in lines)


def test_render_honours_the_bulletins_front_matter(station_root: Path, tmp_path: Path, capsys) -> None:
    src = tmp_path / "mien-trung.txt"
    src.write_text("---\ntitle: Thử giọng\nengine: espeak\nvoice: vi-vn-x-central\n---\n"
                   "Xin chào bà con trong phường.\n", encoding="utf-8")
    rc = main(["-s", str(station_root), "render", str(src), "-o", str(tmp_path / "m.wav")])
    out = capsys.readouterr().out
    assert rc == 0 and "vi-vn-x-central" in out and "engine espeak" in out


def test_an_explicit_engine_that_fails_exits_1_with_the_reason(station_root: Path, tmp_path: Path,
                                                              capsys) -> None:
    """Issue 13 point 8. Before: gTTS (no internet here) fell back to espeak and exited 0."""
    src = tmp_path / "a.txt"
    src.write_text("Xin chào bà con.", encoding="utf-8")
    out = tmp_path / "a.wav"
    rc = main(["-s", str(station_root), "render", str(src), "-o", str(out), "--engine", "gtts",
               "--no-cache"])
    err = capsys.readouterr().err
    assert rc == 1, err
    assert "Engine gtts could not speak the bulletin" in err and "--fallback" in err
    assert not out.exists()  # nothing spoken by another engine behind the operator's back


def test_fallback_opts_into_the_station_chain(station_root: Path, tmp_path: Path, capsys) -> None:
    src = tmp_path / "a.txt"
    src.write_text("Xin chào bà con.", encoding="utf-8")
    out = tmp_path / "a.wav"
    rc = main(["-s", str(station_root), "render", str(src), "-o", str(out), "--engine", "gtts",
               "--fallback", "--no-cache"])
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    assert "engine espeak" in captured.out  # the station's chain (espeak) took over
    assert "fallback engine espeak" in captured.err and "gtts" in captured.err  # and says so
    assert sf.info(str(out)).duration > 0.5
