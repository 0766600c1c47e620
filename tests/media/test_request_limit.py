"""An upload over the request limit gets our own 413 page, through a real server on
127.0.0.1 too, even when the phone sends its body slowly (Werkzeug's server alone gives
up on leftovers after 10 ms of silence, and the browser then shows "connection reset")."""

from __future__ import annotations

import select
import socket
import threading

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

LIMIT = 1024 * 1024
BOUNDARY = "----etalase-test"


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass


@pytest.fixture
def live(app):
    app.config["MAX_CONTENT_LENGTH"] = LIMIT
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    thread.join(10)
    server.server_close()


def multipart(size: int) -> bytes:
    head = (
        f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nKeripik\r\n"
        f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"photos\"; "
        "filename=\"IMG_1.HEIC\"\r\n"
        "Content-Type: image/heic\r\n\r\n"
    ).encode()
    return head + b"\x00" * size + f"\r\n--{BOUNDARY}--\r\n".encode()


def request_head(port: int, body: bytes, path: str = "/portal/produk/baru") -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()


def read_response(sock: socket.socket) -> bytes:
    chunks = []
    while True:
        data = sock.recv(65536)
        if not data:
            return b"".join(chunks)
        chunks.append(data)


def test_oversized_post_gets_our_page_after_a_pause_in_the_upload(live):
    body = multipart(3 * LIMIT)
    with socket.create_connection(("127.0.0.1", live), timeout=20) as sock:
        sock.sendall(request_head(live, body) + body[: LIMIT // 2])
        # A phone on a weak signal stalls. The server must keep reading, not answer and hang
        # up: nothing is readable yet.
        readable, _, _ = select.select([sock], [], [], 0.3)
        assert not readable, "the server answered before the body was read"
        sock.sendall(body[LIMIT // 2 :])
        response = read_response(sock)
    head, _, page = response.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413"), head
    assert b"text/html" in head
    text = page.decode()
    assert "Berkas terlalu besar" in text
    assert "batas 1 MB untuk sekali kirim" in text  # the limit is named…
    assert "Tekan tombol kembali" in text  # …and what to do next


def test_oversized_post_in_one_go_gets_our_page(live):
    body = multipart(3 * LIMIT)
    with socket.create_connection(("127.0.0.1", live), timeout=20) as sock:
        sock.sendall(request_head(live, body) + body)
        head, _, page = read_response(sock).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413")
    assert "Berkas terlalu besar" in page.decode()


def test_a_body_far_over_the_limit_is_not_read(live, app):
    app.config["MAX_DRAIN_BYTES"] = 2 * LIMIT
    body = multipart(4 * LIMIT)
    with socket.create_connection(("127.0.0.1", live), timeout=20) as sock:
        sock.sendall(request_head(live, body))  # headers only: the server answers at once
        readable, _, _ = select.select([sock], [], [], 10)
        assert readable
        assert sock.recv(12).startswith(b"HTTP/1.1 413")


def test_test_client_oversized_post_renders_the_page(app, client):
    app.config["MAX_CONTENT_LENGTH"] = LIMIT
    body = multipart(2 * LIMIT)
    r = client.post(
        "/portal/produk/baru",
        data=body,
        csrf=False,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )
    assert r.status_code == 413
    html = r.get_data(as_text=True)
    assert "Berkas terlalu besar" in html and "Kode permintaan" in html
    assert r.headers["Content-Security-Policy"]
