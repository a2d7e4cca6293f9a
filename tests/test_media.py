"""The small parts of keeping photos: telling an image by its bytes, where files go, what a
WeChat gateway's FileBox holds, and WeCom's file cipher."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from bot.adapters.wechat.mapping import filebox_image
from bot.adapters.wecom.crypto import BadAESKey, DecryptFailed, decrypt_media
from bot.runtime.media import MEDIA_DIR_ENV, image_extension, media_folder


@pytest.mark.parametrize(
    ("head", "extension"),
    [
        (b"\xff\xd8\xff\xe1", ".jpg"),
        (b"\x89PNG\r\n\x1a\n", ".png"),
        (b"GIF89a", ".gif"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", ".webp"),
        (b"\x00\x00\x00\x18ftypheic", ".heic"),
        (b"<html>", None),
        (b"%PDF-1.7", None),
        (b"MZ\x90\x00", None),
        (b"", None),
    ],
)
def test_an_image_is_told_by_its_first_bytes(head: bytes, extension: str | None) -> None:
    assert image_extension(head + b"\x00" * 64) == extension


def test_media_folder_is_next_to_the_sqlite_file_or_the_config(tmp_path: Path) -> None:
    assert media_folder(f"sqlite:///{tmp_path}/data/bot.db", "x", env={}) == (
        tmp_path / "data" / "media"
    )
    assert media_folder("sqlite://", "x", env={}) is None  # in memory: the demo keeps none
    assert media_folder("sqlite:///:memory:", "x", env={}) is None
    config = tmp_path / "etc" / "gridbot.toml"
    config.parent.mkdir()
    config.write_text("")
    pg = "postgresql://bot@db/gridbot"
    assert media_folder(pg, str(config), env={}) == tmp_path / "etc" / "media"
    assert media_folder(pg, "<memory>", env={}) == Path.cwd() / "media"
    chosen = {MEDIA_DIR_ENV: str(tmp_path / "photos")}
    assert media_folder(pg, str(config), env=chosen) == tmp_path / "photos"
    assert media_folder(f"sqlite:///{tmp_path}/bot.db", "x", env=chosen) == tmp_path / "photos"


def test_filebox_gives_inline_bytes_or_the_link() -> None:
    encoded = base64.b64encode(b"abc").decode()
    inline = json.dumps({"boxType": 1, "name": "a.jpg", "base64": encoded})
    assert filebox_image(inline, 100) == b"abc"
    link = json.dumps({"boxType": 2, "name": "a.jpg", "remoteUrl": "https://cdn/a.jpg"})
    assert filebox_image(link, 100) == "https://cdn/a.jpg"
    big = json.dumps({"boxType": 1, "name": "a.jpg", "base64": "QUJD" * 100})
    for refused in ("", "{}", '{"boxType": 3, "qrCode": "x"}', "not json", big):
        with pytest.raises(ValueError):
            filebox_image(refused, 100)


def _encrypt(data: bytes, key: bytes) -> bytes:
    amount = 32 - len(data) % 32
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return encryptor.update(data + bytes([amount]) * amount) + encryptor.finalize()


@pytest.mark.parametrize("size", [0, 1, 31, 32, 33, 1000])
def test_wecom_file_decrypts_with_its_aeskey(size: int) -> None:
    key = os.urandom(32)
    data = os.urandom(size)
    aeskey = base64.b64encode(key).decode()
    assert decrypt_media(_encrypt(data, key), aeskey) == data
    assert decrypt_media(_encrypt(data, key), aeskey.rstrip("=")) == data  # as WeCom writes it


def test_wecom_file_with_a_wrong_key_or_cut_short_is_refused() -> None:
    key = os.urandom(32)
    encrypted = _encrypt(b"\x89PNG" + os.urandom(100), key)
    with pytest.raises(DecryptFailed):
        decrypt_media(encrypted[:-5], base64.b64encode(key).decode())
    with pytest.raises(BadAESKey):
        decrypt_media(encrypted, base64.b64encode(os.urandom(16)).decode())
    with pytest.raises(BadAESKey):
        decrypt_media(encrypted, "not base64!")
