"""WXBizMsgCrypt: the signature and AES scheme WeCom uses for callback URLs.

Written on ``cryptography`` instead of Tencent's sample (which pulls in pycrypto and
returns error codes instead of raising). Every way a request can be wrong raises a
distinct ``WeComCryptoError`` subclass, so the HTTP layer can answer 4xx with one log line
that says exactly what was wrong, and nothing forged or replayed ever reaches the core.

Layout of a plaintext (before PKCS#7 padding to 32 bytes and AES-256-CBC with
IV = key[:16]): 16 random bytes, 4-byte big-endian length, message, receiveid.
The AI bot (智能机器人) uses receiveid "".
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from bot.runtime.clock import Clock

BLOCK_SIZE = 32
DEFAULT_MAX_ENCRYPTED_CHARS = 256 * 1024


class WeComCryptoError(Exception):
    """A callback that must be refused. ``code`` follows Tencent's sample error codes."""

    code = -40000

    def __str__(self) -> str:
        detail = super().__str__()
        return f"{type(self).__name__}({self.code}): {detail}" if detail else type(self).__name__


class BadAESKey(WeComCryptoError):
    code = -40004


class SignatureMismatch(WeComCryptoError):
    code = -40001


class DecryptFailed(WeComCryptoError):
    """Not base64, not a whole number of AES blocks, or bad PKCS#7 padding."""

    code = -40007


class MalformedPlaintext(WeComCryptoError):
    """Decrypted fine but the length field does not fit: tampered or wrong key."""

    code = -40008


class ReceiveIdMismatch(WeComCryptoError):
    code = -40005


class PayloadTooLarge(WeComCryptoError):
    code = -40009


class StaleTimestamp(WeComCryptoError):
    code = -40010


class ReplayedNonce(WeComCryptoError):
    code = -40011


def decode_aes_key(encoding_aes_key: str) -> bytes:
    """EncodingAESKey is 43 base64 characters without the trailing '='."""
    if len(encoding_aes_key) != 43:
        raise BadAESKey("EncodingAESKey must be 43 characters")
    try:
        key = base64.b64decode(encoding_aes_key + "=", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise BadAESKey("EncodingAESKey is not base64") from exc
    if len(key) != 32:
        raise BadAESKey("EncodingAESKey does not decode to 32 bytes")
    return key


def signature(token: str, timestamp: str, nonce: str, encrypted: str) -> str:
    parts = sorted([token, timestamp, nonce, encrypted])
    return hashlib.sha1("".join(parts).encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class EncryptedReply:
    """What goes back to WeCom in a passive reply (JSON keys as WeCom spells them)."""

    encrypt: str
    msgsignature: str
    timestamp: str
    nonce: str

    def as_json(self) -> dict[str, str]:
        return {
            "encrypt": self.encrypt,
            "msgsignature": self.msgsignature,
            "timestamp": self.timestamp,
            "nonce": self.nonce,
        }


class WXBizMsgCrypt:
    """Stateless: verify, decrypt, encrypt. Freshness and replay live in ReplayGuard."""

    def __init__(
        self,
        token: str,
        encoding_aes_key: str,
        receive_id: str = "",
        *,
        max_encrypted_chars: int = DEFAULT_MAX_ENCRYPTED_CHARS,
        random_bytes: Callable[[int], bytes] = os.urandom,
    ) -> None:
        if not token:
            raise BadAESKey("token must not be empty")
        self._token = token
        self._key = decode_aes_key(encoding_aes_key)
        self._receive_id = receive_id.encode("utf-8")
        self._max = max_encrypted_chars
        self._random = random_bytes

    def __repr__(self) -> str:  # never show the token or key in logs
        return f"WXBizMsgCrypt(receive_id={self._receive_id.decode()!r})"

    def check_signature(
        self, msg_signature: str, timestamp: str, nonce: str, encrypted: str
    ) -> None:
        if len(encrypted) > self._max:
            raise PayloadTooLarge(f"{len(encrypted)} characters, limit {self._max}")
        expected = signature(self._token, timestamp, nonce, encrypted)
        if not hmac.compare_digest(expected, (msg_signature or "").lower()):
            raise SignatureMismatch("msg_signature does not match")

    def verify_url(self, msg_signature: str, timestamp: str, nonce: str, echostr: str) -> str:
        """The GET check WeCom runs when the callback URL is saved: answer the plaintext."""
        self.check_signature(msg_signature, timestamp, nonce, echostr)
        return self.decrypt(echostr)

    def decrypt_message(
        self, msg_signature: str, timestamp: str, nonce: str, encrypted: str
    ) -> str:
        self.check_signature(msg_signature, timestamp, nonce, encrypted)
        return self.decrypt(encrypted)

    def decrypt(self, encrypted: str) -> str:
        if len(encrypted) > self._max:
            raise PayloadTooLarge(f"{len(encrypted)} characters, limit {self._max}")
        try:
            raw = base64.b64decode(encrypted, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise DecryptFailed("not base64") from exc
        if not raw or len(raw) % 16:
            raise DecryptFailed("not a whole number of AES blocks")
        decryptor = self._cipher().decryptor()
        padded = decryptor.update(raw) + decryptor.finalize()
        plain = _unpad(padded)
        if len(plain) < 20:
            raise MalformedPlaintext("shorter than the random prefix and length field")
        (length,) = struct.unpack(">I", plain[16:20])
        if 20 + length > len(plain):
            raise MalformedPlaintext("length field runs past the end")
        message, receive_id = plain[20 : 20 + length], plain[20 + length :]
        if not hmac.compare_digest(receive_id, self._receive_id):
            raise ReceiveIdMismatch(f"got {receive_id[:64]!r}")
        try:
            return message.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MalformedPlaintext("message is not UTF-8") from exc

    def encrypt(self, message: str) -> str:
        body = message.encode("utf-8")
        plain = self._random(16) + struct.pack(">I", len(body)) + body + self._receive_id
        encryptor = self._cipher().encryptor()
        data = encryptor.update(_pad(plain)) + encryptor.finalize()
        return base64.b64encode(data).decode("ascii")

    def encrypt_reply(self, message: str, timestamp: str, nonce: str) -> EncryptedReply:
        encrypted = self.encrypt(message)
        return EncryptedReply(
            encrypt=encrypted,
            msgsignature=signature(self._token, timestamp, nonce, encrypted),
            timestamp=timestamp,
            nonce=nonce,
        )

    def _cipher(self) -> Cipher[modes.CBC]:
        return Cipher(algorithms.AES(self._key), modes.CBC(self._key[:16]))


def decrypt_media(data: bytes, aeskey: str) -> bytes:
    """A file the AI bot links to (an image's ``url``), as downloaded, made readable.

    Same cipher as the callbacks: AES-256-CBC, IV = key[:16], PKCS#7 padding to 32 bytes;
    the key is the message's own ``aeskey`` on the long connection, the EncodingAESKey in
    callback mode (base64, '=' padding optional). No random prefix, length or receiveid:
    the plaintext is the file itself.
    """
    try:
        key = base64.b64decode(aeskey + "=" * (-len(aeskey) % 4), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise BadAESKey("the file's aeskey is not base64") from exc
    if len(key) != 32:
        raise BadAESKey("the file's aeskey does not decode to 32 bytes")
    if not data or len(data) % 16:
        raise DecryptFailed("the file is not a whole number of AES blocks")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    return _unpad(decryptor.update(data) + decryptor.finalize())


def _pad(data: bytes) -> bytes:
    amount = BLOCK_SIZE - len(data) % BLOCK_SIZE
    return data + bytes([amount]) * amount


def _unpad(data: bytes) -> bytes:
    amount = data[-1]
    if not 1 <= amount <= BLOCK_SIZE or amount > len(data):
        raise DecryptFailed("bad padding")
    if data[-amount:] != bytes([amount]) * amount:
        raise DecryptFailed("bad padding")
    return data[:-amount]


class ReplayGuard:
    """Refuses callbacks whose timestamp is outside ``window_seconds`` of our clock, and any
    (timestamp, nonce) pair seen before.

    A captured request replays perfectly against the signature check, so this is the only
    thing between an eavesdropper and duplicate tickets. The cache is bounded: entries older
    than the window can never pass the timestamp check again, so they are dropped, and the
    oldest entries go first when ``max_entries`` is reached.
    """

    def __init__(
        self, clock: Clock, window_seconds: float = 300.0, max_entries: int = 10_000
    ) -> None:
        if window_seconds <= 0 or max_entries <= 0:
            raise ValueError("window_seconds and max_entries must be positive")
        self._clock = clock
        self._window = window_seconds
        self._max = max_entries
        self._seen: OrderedDict[tuple[str, str], float] = OrderedDict()

    def __len__(self) -> int:
        return len(self._seen)

    def check(self, timestamp: str, nonce: str) -> None:
        """Raise unless fresh and new; a pair is recorded only once it is accepted."""
        try:
            ts = int(timestamp)
        except (TypeError, ValueError) as exc:
            raise StaleTimestamp(f"timestamp {timestamp!r} is not a number") from exc
        now = self._clock.now().timestamp()
        if abs(now - ts) > self._window:
            raise StaleTimestamp(f"timestamp is {int(now - ts)}s away from now")
        if not nonce or len(nonce) > 64:
            raise ReplayedNonce("nonce missing or too long")
        self._expire(now)
        key = (timestamp, nonce)
        if key in self._seen:
            raise ReplayedNonce(f"nonce {nonce[:16]!r} already used")
        self._seen[key] = ts
        while len(self._seen) > self._max:
            self._seen.popitem(last=False)

    def _expire(self, now: float) -> None:
        # Insertion order is close to timestamp order; stop at the first fresh entry.
        while self._seen:
            _, ts = next(iter(self._seen.items()))
            if now - ts <= self._window:
                break
            self._seen.popitem(last=False)
