"""Benchmark: render a 60-minute program (12 bulletins of real espeak-ng speech, 6 music tracks
in FLAC and MP3, open/between/close chimes) with ``render_program``, then build the same program
with plain pydub overlay/append for comparison. Prints wall time and peak memory of each.

    python benchmarks/bench_program.py [--minutes-per-bulletin 3.25] [--keep DIR]
    (BENCH_REPEAT=5: render_program runs that many times; the best and the median wall time
    are reported, and the target is judged on the median)

Each build runs in a fresh child process so its peak RSS (ru_maxrss) is its own. Setup (speech
synthesis, generated music) is not timed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

SR = 48000
REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))
PARAGRAPHS = [
    "Ủy ban nhân dân phường thông báo: từ ngày mười lăm, phường tổ chức tiêm vắc xin phòng "
    "bệnh sởi cho trẻ em từ chín tháng đến năm tuổi tại trạm y tế phường. Đề nghị các gia "
    "đình đưa trẻ đến đúng giờ và mang theo sổ tiêm chủng.",
    "Công ty điện lực thông báo: để bảo dưỡng đường dây, ngày mai sẽ tạm ngừng cung cấp điện "
    "từ bảy giờ sáng đến mười một giờ trưa tại các tổ dân phố số một, số hai và số năm.",
    "Bà con chú ý phòng chống sốt xuất huyết: đậy kín các dụng cụ chứa nước, thả cá bảy màu "
    "vào bể nước, thu gom vỏ chai lọ và lốp xe cũ quanh nhà, ngủ màn kể cả ban ngày.",
    "Thực hiện nếp sống văn minh đô thị, đề nghị các hộ kinh doanh không lấn chiếm vỉa hè, "
    "đổ rác đúng giờ quy định và giữ gìn vệ sinh chung nơi công cộng.",
]


def setup(work: Path, minutes_per_bulletin: float) -> dict:
    """Speech (espeak-ng, like a speech cache's files), music and chimes on disk."""
    from broadcaster.models import Voice
    from broadcaster.program.jingles import write_chimes
    from broadcaster.speech.espeak import EspeakEngine

    write_chimes(work / "audio")
    engine = EspeakEngine()
    pieces = [engine.synthesize(p, Voice("espeak", "vi")) for p in PARAGRAPHS]
    rate = pieces[0].sample_rate
    gap = np.zeros(int(rate * 0.9), np.float32)
    bulletins = []
    for b in range(12):
        out, n, k = [], 0, b
        while n < minutes_per_bulletin * 60 * rate:
            p = pieces[k % len(pieces)].samples
            out += [p, gap]
            n += len(p) + len(gap)
            k += 1
        path = work / f"speech-{b:02d}.wav"  # the speech stage hands over 16-bit WAV files
        sf.write(path, np.concatenate(out)[: int(minutes_per_bulletin * 60 * rate)], rate, subtype="PCM_16")
        bulletins.append(path.name)
    rng = np.random.default_rng(0)
    music = []
    r = 44100
    for m in range(6):
        secs = 210
        t = np.arange(r * secs) / r
        root = 110 * 2 ** (m / 12)
        tune = sum(a * np.sin(2 * np.pi * root * f * t) for f, a in ((1, .3), (1.26, .2), (1.5, .2)))
        tune = tune * (0.7 + 0.3 * np.sin(2 * np.pi * 0.5 * t)) + 0.02 * rng.standard_normal(len(t))
        stereo = (np.stack([tune, 0.9 * tune], axis=1) * 0.4).astype(np.float32)
        name = f"music-{m}.{'flac' if m % 2 == 0 else 'mp3'}"
        sf.write(work / name, stereo, r, format="FLAC" if m % 2 == 0 else "MP3")
        music.append(name)
    return {"bulletins": bulletins, "music": music}


def program_items(plan: dict) -> list[tuple[str, str]]:
    """(kind, file) in running order: open, (bulletin, between) x 12 with music every 2."""
    items = [("jingle", "audio/chime-open.flac")]
    for i, b in enumerate(plan["bulletins"]):
        if i:
            items.append(("jingle", "audio/chime-between.flac"))
        items.append(("bulletin", b))
        if i % 2 == 1:
            items.append(("music", plan["music"][i // 2]))
    items.append(("jingle", "audio/chime-close.flac"))
    return items


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited from the
    parent that forked it)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_render(work: Path, plan: dict) -> dict:
    from broadcaster.config import parse_settings
    from broadcaster.models import Clip
    from broadcaster.program import BulletinItem, Jingle, Music, Program, render_program

    settings = parse_settings("", "station.yaml").program
    items = []
    for kind, f in program_items(plan):
        if kind == "jingle":
            items.append(Jingle(path=f))
        elif kind == "music":
            items.append(Music(path=f, fade_in_ms=500, fade_out_ms=2000))
        else:
            items.append(BulletinItem(bulletin_id=f))

    def speech_for(bid: str) -> Clip:
        data, rate = sf.read(str(work / bid), dtype="float32")
        return Clip(data, rate)

    rss0 = peak_rss_mb()
    walls, cpus = [], []
    for _ in range(REPEAT):  # the machine is shared: report the least disturbed run
        for old in (work / "cache").glob("*"):
            old.unlink()
        c0 = time.process_time()
        t0 = time.perf_counter()
        out = render_program(Program(tuple(items)), settings, sample_rate=SR,
                             resolve_path=lambda p: work / p, speech_for=speech_for, say=None,
                             cache_dir=work / "cache")
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    wall, cpu = min(walls), min(cpus)
    t1 = time.perf_counter()
    again = render_program(Program(tuple(items)), settings, sample_rate=SR,
                           resolve_path=lambda p: work / p, speech_for=speech_for, say=None,
                           cache_dir=work / "cache")
    cached = time.perf_counter() - t1
    return {"wall_s": wall, "walls": walls, "cpu_s": cpu, "cache_hit_s": cached, "hit": again.cached,
            "peak_rss_mb": peak_rss_mb(),
            "rss_before_mb": rss0, "duration_min": out.duration_ms / 60000,
            "loudness_lufs": out.loudness_lufs, "true_peak_dbtp": out.true_peak_dbtp,
            "items": len(out.rundown)}


def child_pydub(work: Path, plan: dict) -> dict:
    """The same program with plain pydub: decode (soundfile: pydub needs ffmpeg for FLAC/MP3),
    convert to mono 48 kHz, gain each item to -16 dBFS RMS, append with gaps, peak-normalise."""
    import warnings

    warnings.filterwarnings("ignore", category=RuntimeWarning)
    from pydub import AudioSegment, effects

    def seg(path: Path) -> AudioSegment:
        data, rate = sf.read(str(path), dtype="int16", always_2d=True)
        return AudioSegment(data.tobytes(), sample_width=2, frame_rate=rate,
                            channels=data.shape[1])

    rss0 = peak_rss_mb()
    c0 = time.process_time()
    t0 = time.perf_counter()
    prog = AudioSegment.empty().set_frame_rate(SR).set_channels(1)
    gap = AudioSegment.silent(duration=600, frame_rate=SR)
    for i, (_kind, f) in enumerate(program_items(plan)):
        s = seg(work / f).set_channels(1).set_frame_rate(SR)
        s = s.apply_gain(-16.0 - s.dBFS)
        prog = prog + gap + s if i else prog + s
    prog = effects.normalize(prog, headroom=1.0)
    prog.export(str(work / "pydub.wav"), format="wav")
    wall = time.perf_counter() - t0
    cpu = time.process_time() - c0
    # pydub's high-pass is a per-sample Python loop: time it on 10 s and scale to the program
    ten = prog[:10_000]
    t1 = time.perf_counter()
    effects.high_pass_filter(ten, 140)
    hp10 = time.perf_counter() - t1
    return {"wall_s": wall, "cpu_s": cpu, "peak_rss_mb": peak_rss_mb(),
            "rss_before_mb": rss0, "duration_min": len(prog) / 60000,
            "highpass_est_s": hp10 * len(prog) / 10_000}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes-per-bulletin", type=float, default=3.25)
    ap.add_argument("--child", choices=["render", "pydub"])
    ap.add_argument("--work")
    ap.add_argument("--keep", help="set up in (or reuse) this folder instead of a temporary one")
    args = ap.parse_args()
    if args.child:
        work = Path(args.work)
        plan = json.loads((work / "plan.json").read_text())
        fn = child_render if args.child == "render" else child_pydub
        print(json.dumps(fn(work, plan)))
        return
    with tempfile.TemporaryDirectory(prefix="bench-program-") as tmp:
        if args.keep:
            tmp = args.keep
            Path(tmp).mkdir(parents=True, exist_ok=True)
        work = Path(tmp)
        t0 = time.perf_counter()
        if not (work / "plan.json").is_file():
            plan = setup(work, args.minutes_per_bulletin)
            (work / "plan.json").write_text(json.dumps(plan))
        print(f"setup (espeak-ng speech, generated music; not timed): {time.perf_counter() - t0:.1f} s")
        for old in (work / "cache").glob("*"):
            old.unlink()
        res = {}
        for mode in ("render", "pydub"):
            p = subprocess.run([sys.executable, __file__, "--child", mode, "--work", tmp],
                               capture_output=True, text=True, check=False)
            if p.returncode:
                print(p.stderr[-3000:])
                raise SystemExit(f"{mode} failed")
            res[mode] = json.loads(p.stdout.strip().splitlines()[-1])
        r, q = res["render"], res["pydub"]
        print(f"program: {r['duration_min']:.1f} min, {r['items']} rundown entries, 12 bulletins, "
              f"6 music tracks (3 FLAC, 3 MP3), 13 chimes, 48 kHz mono")
        load = Path("/proc/loadavg").read_text().split()[:3]
        print(f"machine: {os.cpu_count()} cores, load average {' '.join(load)} (other work slows wall time; CPU time does not depend on it)")
        runs = ", ".join(f"{w:.2f}" for w in r["walls"])
        median = float(np.median(r["walls"]))
        print(f"render_program : wall {r['wall_s']:.2f} s best, {median:.2f} s median (runs {runs}; "
              f"CPU {r['cpu_s']:.2f} s), peak RSS {r['peak_rss_mb']:.0f} MB "
              f"(process before render {r['rss_before_mb']:.0f} MB); "
              f"{r['loudness_lufs']} LUFS, {r['true_peak_dbtp']} dBTP; "
              f"cache hit {r['cache_hit_s']:.2f} s")
        print(f"plain pydub    : wall {q['wall_s']:.2f} s (CPU {q['cpu_s']:.2f} s), peak RSS {q['peak_rss_mb']:.0f} MB "
              f"(process before build {q['rss_before_mb']:.0f} MB) - append/gain/normalize only; "
              f"no LUFS, no true-peak limiting, no compression")
        print(f"               + pydub high_pass_filter would add ~{q['highpass_est_s']:.0f} s "
              f"(measured on 10 s, scaled)")
        print(f"target wall < 5 s: {'met' if median < 5 else 'NOT met'} (median); "
              f"target peak memory < 500 MB: {'met' if r['peak_rss_mb'] < 500 else 'NOT met'}; "
              f"CPU time / 2 cores = {r['cpu_s'] / 2:.1f} s (the wall time on an idle machine "
              f"can approach this)")


if __name__ == "__main__":
    main()
