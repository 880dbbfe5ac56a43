"""Field encryption and blind indexes for personal data (PIPL art. 51; MLPS 2.0 level 3).

A sensitive value is stored twice: as an AES-256-GCM ciphertext that only the application can read, and
as a keyed HMAC "blind index" of its normalised form, so that exact lookups ("who has this ID number?")
work without decrypting every row. Neither reveals the value to someone holding only the database.

Keys come from `GRIDGOV_DATA_KEY`: "kid:base64,kid:base64,...", the first being current. Each token
names its key, so rotating means putting a new key first, re-encrypting rows whose `needs_rotation()`
is true, and dropping the old key once none is left. Blind indexes cannot be re-keyed without the
plaintext, so lookups query every key's index (`blind_index_candidates`) until the rewrite is done.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.test.signals import setting_changed

SETTING = "GRIDGOV_DATA_KEY"
VERSION = "v1"
KEY_BYTES = 32
NONCE_BYTES = 12  # 96 bits: the size GCM is specified for; random nonces stay safe far beyond our volumes
TAG_BYTES = 16
_KID = re.compile(r"[A-Za-z0-9_-]{1,16}")
_BODY = re.compile(r"[A-Za-z0-9_-]+")  # checked first: the decoder would silently skip stray characters
_ENCRYPT_INFO = b"gridgov/encrypt/v1"
_INDEX_INFO = b"gridgov/index/v1"


class DecryptionError(Exception):
    """A token that cannot be read: unknown key, wrong context, malformed or tampered with."""


def _derive(master: bytes, info: bytes) -> bytes:
    # Master keys are uniformly random, so HKDF needs no salt (RFC 5869 §3.1); `info` separates the uses,
    # so the encryption key and the index key never coincide even though they share a master key.
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=info).derive(master)


@dataclass(frozen=True, slots=True)
class _Key:
    kid: str
    # repr=False everywhere: a key ring that ends up in a traceback or a debug page must not show keys.
    aead: AESGCM = field(repr=False)
    index_key: bytes = field(repr=False)


def _check_context(context: str) -> bytes:
    # The context is bound to every ciphertext and index; an empty one would silently bind nothing, and a
    # NUL would make "a\0b" + "c" collide with "a" + "b\0c" in the index input.
    if not context or "\x00" in context:
        raise ValueError("context must be a non-empty string without NUL characters")
    return context.encode()


def _b64decode_key(text: str) -> bytes:
    # Standard and URL-safe alphabets both accepted; operators paste keys from different tools.
    text = text.strip().replace("-", "+").replace("_", "/")
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


class KeyRing:
    """The data keys: parsed from the setting's format, the first one current."""

    def __init__(self, spec: str) -> None:
        keys: dict[str, _Key] = {}
        entries = [entry.strip() for entry in spec.split(",") if entry.strip()]
        if not entries:
            raise ValueError(f"{SETTING} is empty: set it to 'keyid:base64-of-32-bytes'")
        for position, entry in enumerate(entries, start=1):
            # Messages name the position and, once it is known to be a well-formed id, the key id; never
            # any part of the entry otherwise, because a malformed entry may be nothing but key material.
            kid, sep, encoded = entry.partition(":")
            kid = kid.strip()
            if not sep or not _KID.fullmatch(kid):
                raise ValueError(
                    f"{SETTING} entry {position} is not 'keyid:base64' with a key id of 1-16 letters, "
                    "digits, '_' or '-'"
                )
            if kid in keys:
                raise ValueError(f"{SETTING} names key id {kid!r} more than once")
            try:
                master = _b64decode_key(encoded)
            except (binascii.Error, ValueError):
                raise ValueError(f"{SETTING} key {kid!r} is not valid base64") from None
            if len(master) != KEY_BYTES:
                raise ValueError(
                    f"{SETTING} key {kid!r} is {len(master)} bytes after base64 decoding; "
                    f"{KEY_BYTES} are required"
                )
            keys[kid] = _Key(kid, AESGCM(_derive(master, _ENCRYPT_INFO)), _derive(master, _INDEX_INFO))
        self._keys = keys
        self._current = keys[next(iter(keys))]

    def __repr__(self) -> str:
        return f"<KeyRing current={self.current_id!r} ids={list(self.ids)!r}>"

    @property
    def current_id(self) -> str:
        return self._current.kid

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self._keys)

    def encrypt(self, plaintext: str, context: str) -> str:
        aad = _check_context(context)
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._current.aead.encrypt(nonce, plaintext.encode(), aad)
        body = base64.urlsafe_b64encode(nonce + sealed).rstrip(b"=").decode("ascii")
        return f"{VERSION}:{self._current.kid}:{body}"

    def decrypt(self, token: str, context: str) -> str:
        aad = _check_context(context)
        key, raw = self._split(token)
        try:
            return key.aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad).decode()
        except InvalidTag:
            raise DecryptionError(
                f"token does not decrypt with key {key.kid!r} in context {context!r} "
                "(tampered, or copied from another column)"
            ) from None
        except UnicodeDecodeError:  # pragma: no cover - only reachable with a forged, authenticated token
            raise DecryptionError("token decrypts to invalid UTF-8") from None

    def needs_rotation(self, token: str) -> bool:
        return self._token_kid(token) != self._current.kid

    def reencrypt(self, token: str, context: str) -> str:
        """The token under the current key (the same token when it already is), for a rotation job."""
        if not self.needs_rotation(token):
            return token
        return self.encrypt(self.decrypt(token, context), context)

    def blind_index(self, normalized_value: str, context: str) -> str:
        return self._index(self._current, normalized_value, context)

    def blind_index_candidates(self, normalized_value: str, context: str) -> list[str]:
        """The value's index under every key, current first: query `index IN candidates` during rotation."""
        return [self._index(key, normalized_value, context) for key in self._keys.values()]

    @staticmethod
    def _index(key: _Key, value: str, context: str) -> str:
        message = _check_context(context) + b"\x00" + value.encode()
        return hmac.new(key.index_key, message, hashlib.sha256).hexdigest()

    @staticmethod
    def _token_kid(token: str) -> str:
        parts = token.split(":")
        if len(parts) != 3 or parts[0] != VERSION or not _KID.fullmatch(parts[1]):
            raise DecryptionError(f"not a {VERSION} token")
        return parts[1]

    def _split(self, token: str) -> tuple[_Key, bytes]:
        kid = self._token_kid(token)
        key = self._keys.get(kid)
        if key is None:
            raise DecryptionError(f"token was made with key {kid!r}, which is not in {SETTING}")
        body = token.rsplit(":", 1)[1]
        if not _BODY.fullmatch(body):
            raise DecryptionError("token body is not base64url")
        try:
            raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        except (binascii.Error, ValueError):
            raise DecryptionError("token body is not base64url") from None
        if len(raw) < NONCE_BYTES + TAG_BYTES:
            raise DecryptionError("token is too short")
        return key, raw


def generate_key(kid: str) -> str:
    """A new "kid:base64" entry for GRIDGOV_DATA_KEY, from 32 random bytes."""
    if not _KID.fullmatch(kid):
        raise ValueError("key id must be 1-16 letters, digits, '_' or '-'")
    return f"{kid}:{base64.b64encode(os.urandom(KEY_BYTES)).decode('ascii')}"


_ring: KeyRing | None = None


def keyring() -> KeyRing:
    """The ring from settings, built on first use (a bad setting fails here, with the setting's name)."""
    global _ring
    ring = _ring
    if ring is None:
        from django.conf import settings

        # Two threads may both build it the first time; the results are equal, so no lock is needed.
        ring = _ring = KeyRing(getattr(settings, SETTING, ""))
    return ring


def _reset(*, setting: str, **kwargs: Any) -> None:
    global _ring
    if setting == SETTING:
        _ring = None


setting_changed.connect(_reset, dispatch_uid="gridgov.core.crypto.reset")


def encrypt(plaintext: str, context: str) -> str:
    return keyring().encrypt(plaintext, context)


def decrypt(token: str, context: str) -> str:
    return keyring().decrypt(token, context)


def needs_rotation(token: str) -> bool:
    return keyring().needs_rotation(token)


def reencrypt(token: str, context: str) -> str:
    return keyring().reencrypt(token, context)


def blind_index(normalized_value: str, context: str) -> str:
    return keyring().blind_index(normalized_value, context)


def blind_index_candidates(normalized_value: str, context: str) -> list[str]:
    return keyring().blind_index_candidates(normalized_value, context)
