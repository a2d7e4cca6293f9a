"""WXBizMsgCrypt against Tencent's published vectors, and every way a callback is refused."""

from __future__ import annotations

import base64
import struct
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from bot.adapters.wecom.crypto import (
    BadAESKey,
    DecryptFailed,
    MalformedPlaintext,
    PayloadTooLarge,
    ReceiveIdMismatch,
    ReplayedNonce,
    ReplayGuard,
    SignatureMismatch,
    StaleTimestamp,
    WeComCryptoError,
    WXBizMsgCrypt,
    decode_aes_key,
    signature,
)
from bot.runtime.clock import FakeClock

# Tencent's sample vectors (WXBizMsgCrypt "verify URL" example).
TOKEN = "QDG6eK"
AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
RECEIVE_ID = "wx5823bf96d3bd56c7"
MSG_SIGNATURE = "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3"
TIMESTAMP = "1409659589"
NONCE = "263014780"
ECHOSTR = "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ=="
PLAINTEXT = "1616140317555161061"


def sample() -> WXBizMsgCrypt:
    return WXBizMsgCrypt(TOKEN, AES_KEY, RECEIVE_ID)


def raw_aes(plain: bytes) -> str:
    """Encrypt bytes exactly as given (no padding added), to forge broken ciphertexts."""
    key = decode_aes_key(AES_KEY)
    enc = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(enc.update(plain) + enc.finalize()).decode()


def test_tencent_url_vector_signature_and_plaintext():
    assert signature(TOKEN, TIMESTAMP, NONCE, ECHOSTR) == MSG_SIGNATURE
    assert sample().verify_url(MSG_SIGNATURE, TIMESTAMP, NONCE, ECHOSTR) == PLAINTEXT


def test_encryption_reproduces_the_vector_given_its_random_prefix():
    crypt = WXBizMsgCrypt(TOKEN, AES_KEY, RECEIVE_ID, random_bytes=lambda n: b"c41b64491c2468d0")
    assert crypt.encrypt(PLAINTEXT) == ECHOSTR


@pytest.mark.parametrize("text", ["", "hi", "3号楼门口井盖坏了" * 40, "x" * 31, "x" * 32])
def test_round_trip_for_the_ai_bot_receive_id(text):
    crypt = WXBizMsgCrypt(TOKEN, AES_KEY, "")
    assert crypt.decrypt(crypt.encrypt(text)) == text


def test_encrypted_reply_carries_a_valid_signature():
    crypt = WXBizMsgCrypt(TOKEN, AES_KEY, "")
    reply = crypt.encrypt_reply('{"msgtype":"stream"}', "1700000000", "abc")
    assert crypt.decrypt_message(
        reply.msgsignature, reply.timestamp, reply.nonce, reply.encrypt
    ) == ('{"msgtype":"stream"}')
    assert set(reply.as_json()) == {"encrypt", "msgsignature", "timestamp", "nonce"}


def test_bad_signature_is_refused():
    with pytest.raises(SignatureMismatch):
        sample().verify_url("0" * 40, TIMESTAMP, NONCE, ECHOSTR)
    with pytest.raises(SignatureMismatch):  # right signature, different nonce
        sample().verify_url(MSG_SIGNATURE, TIMESTAMP, "263014781", ECHOSTR)


def test_wrong_receive_id_is_refused():
    with pytest.raises(ReceiveIdMismatch):
        WXBizMsgCrypt(TOKEN, AES_KEY, "").decrypt(ECHOSTR)


def test_bad_padding_is_refused():
    # Last byte 0 (and 33) are never valid PKCS#7 pad lengths for 32-byte blocks.
    for last in (0, 33):
        with pytest.raises(DecryptFailed):
            sample().decrypt(raw_aes(b"\x01" * 31 + bytes([last])))
    # Claims 4 bytes of padding but the pad bytes disagree.
    with pytest.raises(DecryptFailed):
        sample().decrypt(raw_aes(b"\x01" * 28 + b"\x04\x04\x05\x04"))


def test_length_field_past_the_end_is_refused():
    plain = b"r" * 16 + struct.pack(">I", 10_000) + b"short"
    pad = 32 - len(plain) % 32
    with pytest.raises(MalformedPlaintext):
        sample().decrypt(raw_aes(plain + bytes([pad]) * pad))


@pytest.mark.parametrize(
    "garbage", ["not base64!!", "QUJD", "", base64.b64encode(b"x" * 17).decode()]
)
def test_non_ciphertext_is_refused(garbage):
    with pytest.raises(DecryptFailed):
        sample().decrypt(garbage)


def test_oversized_body_is_refused_before_any_work():
    crypt = WXBizMsgCrypt(TOKEN, AES_KEY, "", max_encrypted_chars=100)
    big = crypt.encrypt("x" * 200)
    with pytest.raises(PayloadTooLarge):
        crypt.check_signature("whatever", "1", "2", big)
    with pytest.raises(PayloadTooLarge):
        crypt.decrypt(big)


@pytest.mark.parametrize("key", ["short", AES_KEY[:-1] + "!", "A" * 44])
def test_bad_aes_key_is_refused(key):
    with pytest.raises(BadAESKey):
        WXBizMsgCrypt(TOKEN, key)


def test_errors_are_typed_and_say_what_went_wrong():
    with pytest.raises(WeComCryptoError) as info:
        sample().verify_url("0" * 40, TIMESTAMP, NONCE, ECHOSTR)
    assert "SignatureMismatch(-40001)" in str(info.value)
    assert "QDG6eK" not in repr(sample()) and AES_KEY not in repr(sample())


NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def ts(delta_seconds: float = 0) -> str:
    return str(int((NOW + timedelta(seconds=delta_seconds)).timestamp()))


def test_replay_guard_accepts_fresh_and_refuses_stale_or_future():
    guard = ReplayGuard(FakeClock(NOW), window_seconds=300)
    guard.check(ts(-299), "n1")
    guard.check(ts(+299), "n2")
    with pytest.raises(StaleTimestamp):
        guard.check(ts(-301), "n3")
    with pytest.raises(StaleTimestamp):
        guard.check(ts(+301), "n4")
    with pytest.raises(StaleTimestamp):
        guard.check("yesterday", "n5")
    with pytest.raises(StaleTimestamp):  # Tencent's 2014 vector is long stale today
        guard.check(TIMESTAMP, NONCE)


def test_replay_guard_refuses_a_replayed_nonce():
    guard = ReplayGuard(FakeClock(NOW), window_seconds=300)
    guard.check(ts(), "nonce-1")
    with pytest.raises(ReplayedNonce):
        guard.check(ts(), "nonce-1")
    guard.check(ts(), "nonce-2")  # a different nonce is fine
    with pytest.raises(ReplayedNonce):
        guard.check(ts(), "")


def test_replay_cache_forgets_entries_once_they_are_stale():
    clock = FakeClock(NOW)
    guard = ReplayGuard(clock, window_seconds=60)
    for i in range(10):
        guard.check(ts(), f"n{i}")
    assert len(guard) == 10
    clock.advance(timedelta(seconds=120))
    guard.check(str(int(clock.now().timestamp())), "later")
    assert len(guard) == 1


def test_replay_cache_is_bounded():
    guard = ReplayGuard(FakeClock(NOW), window_seconds=300, max_entries=50)
    for i in range(500):
        guard.check(ts(), f"n{i}")
    assert len(guard) == 50
