"""Field encryption and blind indexes: what PIPL art. 51 and MLPS level 3 ask of data at rest."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest

from gridgov.core import crypto
from gridgov.core.crypto import DecryptionError, KeyRing, generate_key

CONTEXT = "people.resident.document"
NUMBER = "999999199001011236"  # fictional: 999999 is no address code


@pytest.fixture
def ring() -> KeyRing:
    return KeyRing(generate_key("k1"))


def test_round_trip_including_chinese(ring: KeyRing) -> None:
    for text in [NUMBER, "林会兵 东辉社区9幢4单元", "", "x" * 5000]:
        token = ring.encrypt(text, CONTEXT)
        assert token.isascii() and token.startswith("v1:k1:")
        assert re.fullmatch(r"v1:k1:[A-Za-z0-9_-]+", token)
        assert ring.decrypt(token, CONTEXT) == text


def test_same_plaintext_gives_different_tokens(ring: KeyRing) -> None:
    assert ring.encrypt(NUMBER, CONTEXT) != ring.encrypt(NUMBER, CONTEXT)


def test_ciphertext_reveals_nothing_of_the_plaintext(ring: KeyRing) -> None:
    token = ring.encrypt(NUMBER, CONTEXT)
    assert NUMBER not in token
    digits = "".join(c for c in token if c.isdigit())
    assert NUMBER not in digits and NUMBER[-8:] not in digits
    assert "19900101" not in token


def test_context_binds_the_column(ring: KeyRing) -> None:
    token = ring.encrypt(NUMBER, CONTEXT)
    with pytest.raises(DecryptionError) as info:
        ring.decrypt(token, "people.resident.phone")
    assert NUMBER not in str(info.value)


def test_tampering_is_detected(ring: KeyRing) -> None:
    token = ring.encrypt(NUMBER, CONTEXT)
    prefix, body = token.rsplit(":", 1)
    raw = bytearray(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    for position in (0, 12, len(raw) - 1):  # the nonce, the ciphertext, the tag
        flipped = bytearray(raw)
        flipped[position] ^= 0x01
        forged = prefix + ":" + base64.urlsafe_b64encode(bytes(flipped)).rstrip(b"=").decode()
        with pytest.raises(DecryptionError):
            ring.decrypt(forged, CONTEXT)
    for broken in [
        token[:-1],
        token + "A",
        "v2" + token[2:],
        token.replace("v1:k1:", "v1:k1:!"),
        "v1:k1:",
        "x",
    ]:
        with pytest.raises(DecryptionError):
            ring.decrypt(broken, CONTEXT)


def test_unknown_key_id(ring: KeyRing) -> None:
    token = KeyRing(generate_key("other")).encrypt(NUMBER, CONTEXT)
    with pytest.raises(DecryptionError, match="other"):
        ring.decrypt(token, CONTEXT)


def test_two_key_ring_reads_both_and_writes_with_the_current() -> None:
    old, new = generate_key("k1"), generate_key("k2")
    before = KeyRing(old)
    old_token = before.encrypt(NUMBER, CONTEXT)
    during = KeyRing(f"{new}, {old}")
    assert during.current_id == "k2" and during.ids == ("k2", "k1")
    assert during.decrypt(old_token, CONTEXT) == NUMBER
    new_token = during.encrypt(NUMBER, CONTEXT)
    assert new_token.startswith("v1:k2:")
    assert during.needs_rotation(old_token) and not during.needs_rotation(new_token)
    rotated = during.reencrypt(old_token, CONTEXT)
    assert rotated.startswith("v1:k2:") and during.decrypt(rotated, CONTEXT) == NUMBER
    assert during.reencrypt(new_token, CONTEXT) == new_token
    with pytest.raises(DecryptionError):
        before.decrypt(new_token, CONTEXT)


def test_blind_index_is_deterministic_per_key_and_separated() -> None:
    k1, k2 = generate_key("k1"), generate_key("k2")
    one, also_one, two = KeyRing(k1), KeyRing(k1), KeyRing(k2)
    index = one.blind_index(NUMBER, CONTEXT)
    assert re.fullmatch(r"[0-9a-f]{64}", index)
    assert index == also_one.blind_index(NUMBER, CONTEXT) == one.blind_index(NUMBER, CONTEXT)
    assert index != two.blind_index(NUMBER, CONTEXT)
    assert index != one.blind_index(NUMBER, "people.resident.phone")
    assert index != one.blind_index(NUMBER[:-1] + "7", CONTEXT)
    # The index key is derived apart from the encryption key: not a plain hash of the value either.
    import hashlib

    assert index != hashlib.sha256(NUMBER.encode()).hexdigest()


def test_candidates_put_the_current_key_first() -> None:
    k1, k2 = generate_key("k1"), generate_key("k2")
    during = KeyRing(f"{k2},{k1}")
    candidates = during.blind_index_candidates(NUMBER, CONTEXT)
    assert candidates == [KeyRing(k2).blind_index(NUMBER, CONTEXT), KeyRing(k1).blind_index(NUMBER, CONTEXT)]
    assert candidates[0] == during.blind_index(NUMBER, CONTEXT)


def test_context_must_be_usable(ring: KeyRing) -> None:
    for context in ["", "a\x00b"]:
        with pytest.raises(ValueError, match="context"):
            ring.encrypt(NUMBER, context)
        with pytest.raises(ValueError, match="context"):
            ring.blind_index(NUMBER, context)


def _key_of(length: int) -> str:
    return base64.b64encode(b"S" * length).decode()


@pytest.mark.parametrize(
    ("spec", "secret", "message"),
    [
        ("", "", "empty"),
        (" , ", "", "empty"),
        (f"k1:{_key_of(31)}", _key_of(31), "31 bytes"),
        (f"k1:{_key_of(33)}", _key_of(33), "33 bytes"),
        (f"k1:{_key_of(32)},k1:{_key_of(32)}", _key_of(32), "more than once"),
        ("k1:not*base64*at*all*but*secret*Zm9vYmFy", "not*base64*at*all*but*secret", "base64"),
        (_key_of(32), _key_of(32), "entry 1"),
        (f"bad id:{_key_of(32)}", _key_of(32), "entry 1"),
        (f"k1:{_key_of(32)},{_key_of(32)}", _key_of(32), "entry 2"),
        (f"{'k' * 17}:{_key_of(32)}", _key_of(32), "entry 1"),
    ],
)
def test_bad_key_strings(spec: str, secret: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as info:
        KeyRing(spec)
    text = str(info.value)
    assert "GRIDGOV_DATA_KEY" in text
    if secret:
        assert secret not in text and secret[:12] not in text
    # No chained exception either: a traceback would otherwise show the decoder's error on the input.
    assert info.value.__cause__ is None
    assert info.value.__context__ is None or info.value.__suppress_context__


def test_urlsafe_keys_and_repr_hide_material() -> None:
    raw = bytes(range(250, 256)) + bytes(26)
    spec = "k-1:" + base64.urlsafe_b64encode(raw).decode().rstrip("=")
    ring = KeyRing(spec)
    assert ring.ids == ("k-1",)
    assert spec.split(":")[1] not in repr(ring) and "k-1" in repr(ring)


def test_generate_key() -> None:
    entry = generate_key("ops_2025")
    kid, encoded = entry.split(":")
    assert kid == "ops_2025" and len(base64.b64decode(encoded)) == 32
    assert generate_key("a") != generate_key("a")
    with pytest.raises(ValueError):
        generate_key("no spaces")


def test_module_functions_follow_the_setting(settings: Any) -> None:
    first = generate_key("s1")
    settings.GRIDGOV_DATA_KEY = first
    token = crypto.encrypt("陈慧玲", "people.resident.name")
    assert token.startswith("v1:s1:") and crypto.keyring().current_id == "s1"
    assert crypto.decrypt(token, "people.resident.name") == "陈慧玲"
    index = crypto.blind_index("13812345678", "people.resident.phone")
    assert crypto.keyring() is crypto.keyring()  # built once

    settings.GRIDGOV_DATA_KEY = f"{generate_key('s2')},{first}"
    assert crypto.keyring().ids == ("s2", "s1")
    assert crypto.needs_rotation(token)
    assert crypto.decrypt(crypto.reencrypt(token, "people.resident.name"), "people.resident.name") == "陈慧玲"
    candidates = crypto.blind_index_candidates("13812345678", "people.resident.phone")
    assert candidates[1] == index and candidates[0] == crypto.blind_index(
        "13812345678", "people.resident.phone"
    )

    settings.GRIDGOV_DATA_KEY = ""
    with pytest.raises(ValueError, match="GRIDGOV_DATA_KEY"):
        crypto.keyring()


def test_demo_key_is_valid(settings: Any) -> None:
    # The shipped DEMO_DATA_KEY must parse, or every non-production start would fail on first use.
    assert KeyRing(settings.DEMO_DATA_KEY).current_id == "demo1"
