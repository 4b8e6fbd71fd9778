"""Audio in: decode WAV/FLAC/OGG/MP3/M4A without a system ffmpeg (libsndfile, then miniaudio,
then PyAV's bundled FFmpeg for AAC/M4A), mix to mono float32, resample with soxr. Errors name the
file and say whether it is missing or corrupt.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from dataclasses import dataclass
from pathlib import Path

import miniaudio
import numpy as np
import soundfile as sf
import soxr

from broadcaster.errors import ProgramError
from broadcaster.messages import t

log = logging.getLogger(__name__)

RESAMPLE_QUALITY = "HQ"  # soxr 20-bit, ~-100 dB aliasing: transparent for broadcast
_BLOCK = 1 << 18


class AudioMissing(ProgramError):
    """The audio file does not exist."""


class AudioCorrupt(ProgramError):
    """The audio file exists but cannot be decoded."""


@dataclass(frozen=True)
class AudioInfo:
    frames: int
    sample_rate: int
    channels: int
    decoder: str  # "sndfile" | "flac" (miniaudio, libsndfile if damaged) | "miniaudio" | "av"


def to_mono(samples: np.ndarray) -> np.ndarray:
    if samples.ndim == 2:
        samples = samples.mean(axis=1)
    return np.ascontiguousarray(samples, dtype=np.float32)


def resample(samples: np.ndarray, rate: int, target: int, length: int | None = None) -> np.ndarray:
    """High-quality soxr resampling of mono float32 audio, optionally to exactly ``length``."""
    if rate == target or len(samples) == 0:
        out = samples.astype(np.float32, copy=False)
    else:
        out = soxr.resample(samples, rate, target, quality=RESAMPLE_QUALITY)
        out = out.astype(np.float32, copy=False)
    if length is not None and len(out) != length:
        out = out[:length] if len(out) > length else np.pad(out, (0, length - len(out)))
    return out


def resampled_length(frames: int, rate: int, target: int) -> int:
    return int(round(frames * target / rate))


def wav_declared_frames(path: Path) -> int | None:
    """Frames the RIFF header of a WAV file declares (libsndfile quietly trusts the file size
    instead, so a truncated upload would otherwise go unnoticed); None if not a plain WAV."""
    try:
        with path.open("rb") as f:
            head = f.read(12)
            if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
                return None
            block_align = 0
            while True:
                hdr = f.read(8)
                if len(hdr) < 8:
                    return None
                cid, size = hdr[:4], int.from_bytes(hdr[4:], "little")
                if cid == b"fmt ":
                    fmt = f.read(size)
                    block_align = int.from_bytes(fmt[12:14], "little")
                    continue
                if cid == b"data":
                    return size // block_align if block_align and size < 0xFFFFFFFF else None
                f.seek(size + (size & 1), 1)
    except OSError:
        return None


def probe(path: Path) -> AudioInfo:
    """Read only the header; AudioMissing / AudioCorrupt name the file."""
    if not path.is_file():
        raise AudioMissing(t("program.audio_missing"), where=str(path))
    try:
        info = sf.info(str(path))
        if info.frames > 0 and info.samplerate > 0:
            # FLAC through miniaudio: libsndfile's FLAC decoding holds the GIL (a music track
            # would stall the other render threads for a quarter of a second), miniaudio's does
            # not and gives the same samples
            decoder = "flac" if info.format == "FLAC" and info.channels <= 2 else "sndfile"
            return AudioInfo(int(info.frames), int(info.samplerate), int(info.channels), decoder)
    except (sf.LibsndfileError, RuntimeError, OSError):
        pass
    try:
        mi = miniaudio.get_file_info(str(path))
    except (miniaudio.MiniaudioError, OSError) as exc:
        info = _probe_av(path)  # M4A/AAC and the rest of what the bundled FFmpeg reads
        if info is not None:
            return info
        raise AudioCorrupt(t("program.audio_corrupt", reason=str(exc).splitlines()[0]),
                           where=str(path)) from None
    if mi.num_frames <= 0:
        raise AudioCorrupt(t("program.audio_corrupt", reason="no audio frames"), where=str(path))
    return AudioInfo(int(mi.num_frames), int(mi.sample_rate), int(mi.nchannels), "miniaudio")


def _probe_av(path: Path) -> AudioInfo | None:
    """Header of a file PyAV's bundled FFmpeg can read (M4A/AAC ...); None if it cannot."""
    try:
        import av
    except ImportError:
        return None
    try:
        with av.open(str(path)) as c:
            if not c.streams.audio:
                return None
            st = c.streams.audio[0]
            rate = int(st.rate or st.codec_context.sample_rate)
            if st.duration is not None and st.time_base is not None:
                seconds = float(st.duration * st.time_base)
            elif c.duration is not None:
                seconds = c.duration / 1_000_000
            else:
                return None
            return AudioInfo(int(round(seconds * rate)), rate, int(st.codec_context.channels), "av")
    except (av.FFmpegError, OSError, ValueError):
        return None


def _decode_av(path: Path) -> tuple[np.ndarray, int]:
    import av

    try:
        with av.open(str(path)) as c:
            st = c.streams.audio[0]
            rate = int(st.rate or st.codec_context.sample_rate)
            planar = av.AudioResampler(format="fltp")  # same layout and rate, planar float
            parts: list[np.ndarray] = []
            for frame in c.decode(st):
                parts += [f.to_ndarray().mean(axis=0) for f in planar.resample(frame)]
            parts += [f.to_ndarray().mean(axis=0) for f in planar.resample(None)]
    except (av.FFmpegError, OSError, ValueError, IndexError) as exc:
        raise AudioCorrupt(t("program.audio_corrupt", reason=str(exc).splitlines()[0]),
                           where=str(path)) from None
    data = np.concatenate(parts) if parts else np.zeros(0, np.float32)
    return np.ascontiguousarray(data, dtype=np.float32), rate


def decode(path: Path, info: AudioInfo | None = None) -> tuple[np.ndarray, int]:
    """Mono float32 samples of ``path`` at the file's own rate."""
    info = info or probe(path)
    if info.decoder == "flac":
        with contextlib.suppress(AudioCorrupt):
            data, rate = _decode_miniaudio(path, info)
            if len(data) >= info.frames:
                return data, rate
            del data
        # a damaged FLAC: miniaudio skips what it cannot read and goes on, libsndfile stops
        # with an error; its answer (corrupt, or the frames it could read) is the one we want
        info = dataclasses.replace(info, decoder="sndfile")
    try:
        if info.decoder == "sndfile":
            out = np.zeros(info.frames, np.float32)
            pos = 0
            with sf.SoundFile(str(path)) as f:
                for block in f.blocks(blocksize=_BLOCK, dtype="float32", always_2d=True):
                    m = block[:, 0]
                    if block.shape[1] > 1:
                        m = block.sum(axis=1, dtype=np.float32) if block.shape[1] > 2 else m + block[:, 1]
                        m *= np.float32(1.0 / block.shape[1])
                    n = min(len(m), len(out) - pos)
                    out[pos : pos + n] = m[:n]
                    pos += n
            if pos < info.frames:
                out = out[:pos]
            return out, info.sample_rate
        if info.decoder == "av":
            return _decode_av(path)
    except (sf.LibsndfileError, RuntimeError, OSError) as exc:
        raise AudioCorrupt(t("program.audio_corrupt", reason=str(exc).splitlines()[0]),
                           where=str(path)) from None
    return _decode_miniaudio(path, info)


def _decode_miniaudio(path: Path, info: AudioInfo) -> tuple[np.ndarray, int]:
    """Mono and the file's own rate from miniaudio itself (its downmix of stereo is the mean of
    the two channels, like the other decoders'); more channels are mixed here."""
    try:
        dec = miniaudio.decode_file(str(path), output_format=miniaudio.SampleFormat.FLOAT32,
                                    nchannels=1 if info.channels <= 2 else info.channels,
                                    sample_rate=info.sample_rate)
    except (miniaudio.MiniaudioError, OSError) as exc:
        raise AudioCorrupt(t("program.audio_corrupt", reason=str(exc).splitlines()[0]),
                           where=str(path)) from None
    data = np.frombuffer(dec.samples, dtype=np.float32)
    if dec.nchannels > 1:
        data = data.reshape(-1, dec.nchannels).mean(axis=1)
    return np.ascontiguousarray(data, dtype=np.float32), dec.sample_rate


def load_audio(path: Path, sample_rate: int) -> np.ndarray:
    """Mono float32 samples of ``path`` at ``sample_rate``; ProgramError names the file."""
    data, rate = decode(Path(path))
    return resample(data, rate, sample_rate)


def silence(ms: int, sample_rate: int) -> np.ndarray:
    return np.zeros(int(sample_rate * ms / 1000), dtype=np.float32)
