"""Files for the demo contributions, made on the spot so the repository carries no media:
a drawn creature (PNG, Pillow), a short melody (WAV, the standard library) and a two-second
animation (WebM/VP8, encoded with PyAV's bundled FFmpeg)."""

from __future__ import annotations

import io
import math
import struct
import wave

import av
from PIL import Image, ImageDraw

SAMPLE_RATE = 22_050
_MELODY_HZ = (392.0, 440.0, 523.25, 440.0, 392.0, 329.63)


def creature_png(hue: int = 30) -> bytes:
    """A small creature on a coloured ground, 480×360."""
    image = Image.new("RGB", (480, 360), ((hue * 7) % 256, 180, 210))
    draw = ImageDraw.Draw(image)
    draw.ellipse((140, 110, 340, 290), fill=(250, 240, 220), outline=(40, 40, 40), width=4)
    for eye_x in (205, 275):
        draw.ellipse((eye_x - 14, 160, eye_x + 14, 188), fill=(30, 30, 30))
    draw.arc((200, 200, 280, 250), start=20, end=160, fill=(40, 40, 40), width=4)
    draw.polygon(((160, 130), (180, 60), (215, 115)), fill=(250, 240, 220), outline=(40, 40, 40))
    draw.polygon(((320, 130), (300, 60), (265, 115)), fill=(250, 240, 220), outline=(40, 40, 40))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def melody_wav(note_seconds: float = 0.5) -> bytes:
    """A six-note melody as 16-bit mono WAV (three seconds)."""
    frames = bytearray()
    for frequency in _MELODY_HZ:
        count = int(SAMPLE_RATE * note_seconds)
        for n in range(count):
            envelope = min(1.0, n / 400, (count - n) / 400)
            frames += struct.pack("<h", int(9000 * envelope * math.sin(2 * math.pi * frequency * n / SAMPLE_RATE)))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as output:
        output.setnchannels(1)
        output.setsampwidth(2)
        output.setframerate(SAMPLE_RATE)
        output.writeframes(bytes(frames))
    return buffer.getvalue()


def animation_webm(seconds: int = 2, fps: int = 12) -> bytes:
    """A square crossing the frame, 320×240, VP8 in WebM."""
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="webm") as container:
        stream = container.add_stream("libvpx", rate=fps)
        stream.width, stream.height, stream.pix_fmt = 320, 240, "yuv420p"
        total = seconds * fps
        for index in range(total):
            frame = Image.new("RGB", (320, 240), (20, 30, 60))
            left = int(index * (320 - 60) / max(1, total - 1))
            ImageDraw.Draw(frame).rectangle((left, 90, left + 60, 150), fill=(240, 180, 40))
            for packet in stream.encode(av.VideoFrame.from_image(frame)):  # type: ignore[no-untyped-call]
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return buffer.getvalue()
