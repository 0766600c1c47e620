"""At most PHOTO_DECODES_AT_ONCE photo decodes run at once per process (#18): a burst of
large uploads waits its turn instead of decoding N photos' pixels at the same time."""

import threading
import time

import pytest

from marketplace.media import images
from tests.builders import jpeg_bytes


@pytest.mark.parametrize("slots", [1, 2])
def test_decodes_beyond_the_setting_wait_their_turn(app, monkeypatch, slots):
    app.config["PHOTO_DECODES_AT_ONCE"] = slots
    running, peak, lock = [0], [0], threading.Lock()
    real = images._decode_shrunk

    def tracked(*args, **kwargs):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.15)
        try:
            return real(*args, **kwargs)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(images, "_decode_shrunk", tracked)
    data = jpeg_bytes(640, 480)
    errors = []

    def upload():
        with app.app_context():
            try:
                images.process_image(data)
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

    threads = [threading.Thread(target=upload) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == [] and peak[0] == slots


def test_the_default_is_two(app):
    assert app.config["PHOTO_DECODES_AT_ONCE"] == 2
