"""Short-lived secrets kept in the session, encrypted and time-limited.

The temporary passwords of a bulk creation wait in the session until their .xlsx is
downloaded (or for ten minutes). Sessions live in the database, so they are sealed first:
encrypted with a keystream of HMAC-SHA256 blocks (counter mode with a random nonce, a key
derived from SECRET_KEY for the purpose), then signed with a timestamp (Django's
TimestampSigner: HMAC over the ciphertext, so tampering or age is detected before decrypting).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import timedelta

from django.core import signing
from django.utils.crypto import salted_hmac

_NONCE_BYTES = 16


class SealError(Exception):
    """The sealed value is expired, tampered with or was made for another purpose."""


def _key(purpose: str) -> bytes:
    return salted_hmac("parindex.accounts.sealed.key", purpose, algorithm="sha256").digest()


def _keystream(key: bytes, nonce: bytes, length: int) -> bytes:
    blocks = []
    for counter in range((length + 31) // 32):
        blocks.append(hmac.new(key, nonce + counter.to_bytes(8, "big"), hashlib.sha256).digest())
    return b"".join(blocks)[:length]


def _xor(data: bytes, stream: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(data, stream, strict=True))


def _signer(purpose: str) -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=f"parindex.accounts.sealed.{purpose}", algorithm="sha256")


def seal(data: bytes, *, purpose: str) -> str:
    nonce = secrets.token_bytes(_NONCE_BYTES)
    cipher = _xor(data, _keystream(_key(purpose), nonce, len(data)))
    body = base64.urlsafe_b64encode(nonce + cipher).decode("ascii")
    return _signer(purpose).sign(body)


def unseal(token: str, *, purpose: str, max_age: timedelta) -> bytes:
    try:
        body = _signer(purpose).unsign(token, max_age=max_age)
    except signing.BadSignature as exc:  # SignatureExpired is a BadSignature
        raise SealError(str(exc)) from exc
    raw = base64.urlsafe_b64decode(body.encode("ascii"))
    nonce, cipher = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:]
    return _xor(cipher, _keystream(_key(purpose), nonce, len(cipher)))
