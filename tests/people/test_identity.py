"""Identity documents and phones. Every number here is made up: sequences 999/998 are kept for people over
100 and never go with these birth dates, and the check characters are computed below, independently."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import timezone, translation

from gridgov.people.identity import (
    DocumentCheck,
    DocumentType,
    IdentityError,
    check_char,
    check_person_matches,
    normalize_phone,
    upgrade_legacy_id,
    validate_document,
    validate_resident_id,
)

TODAY = dt.date(2025, 6, 1)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def iso7064(body: str) -> str:
    """MOD 11-2 written the ISO way (weights 2^k mod 11, check = (12 - sum) mod 11), not GB 11643's table."""
    total = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(body))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def make_id(address: str = "331081", birth: str = "20000101", sequence: str = "999") -> str:
    body = address + birth + sequence
    return body + iso7064(body)


def ending_in_x(address: str = "331081") -> str:
    for day in range(1, 29):
        number = make_id(address, f"200002{day:02d}", "999")
        if number.endswith("X"):
            return number
    raise AssertionError("no X in February")  # pragma: no cover


def error_code(value: str, **kwargs: dt.date) -> str:
    with pytest.raises(IdentityError) as info:
        validate_resident_id(value, **kwargs)
    assert value.strip() not in info.value.message or len(value.strip()) < 6  # never echoes the number
    return info.value.code


def test_check_char_agrees_with_the_iso_formulation() -> None:
    for sequence in range(990, 1000):
        body = f"33108120000101{sequence}"
        assert check_char(body) == iso7064(body)


def test_valid_number() -> None:
    number = make_id("331081", "20000229", "999")
    check = validate_resident_id(number, on=TODAY)
    assert check.normalized == number
    assert check.birth_date == dt.date(2000, 2, 29)
    assert check.gender == "male"
    assert check.address_code == "331081"
    assert check.warnings == ()


def test_gender_parity() -> None:
    assert validate_resident_id(make_id(sequence="999"), on=TODAY).gender == "male"
    assert validate_resident_id(make_id(sequence="998"), on=TODAY).gender == "female"
    assert validate_resident_id(make_id(sequence="990"), on=TODAY).gender == "female"  # 0 counts as even


def test_spelling_is_normalised() -> None:
    number = ending_in_x()
    lower = number[:-1] + "x"
    spaced = f" {lower[:6]} {lower[6:14]} {lower[14:]} "
    full_width = lower.translate(str.maketrans("0123456789x", "０１２３４５６７８９ｘ"))
    for spelling in [lower, spaced, full_width, number[:6] + "\u3000" + number[6:]]:
        assert validate_resident_id(spelling, on=TODAY).normalized == number


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("12345", "length"),
        ("", "length"),
        (make_id() + "1", "length"),
        (make_id()[:-1] + "A", "characters"),
        ("33108A" + make_id()[6:], "characters"),
        ("33108190010199A", "characters"),  # 15 characters, not all digits
        (make_id()[:-1] + ("0" if make_id()[-1] != "0" else "1"), "checksum"),
        (make_id(birth="20010230"), "birth_date"),  # 30 February
        (make_id(birth="20011301"), "birth_date"),
        (make_id(birth="18991231"), "birth_date"),
        (make_id(birth="20250602"), "future_birth_date"),
        (make_id(address="991081"), "address_code"),
        (make_id(address="001081"), "address_code"),
        (make_id(address="901081"), "address_code"),
    ],
)
def test_errors(value: str, code: str) -> None:
    assert error_code(value, on=TODAY) == code


def test_all_valid_province_codes() -> None:
    for province in [11, 15, 21, 23, 31, 37, 41, 46, 50, 54, 61, 65, 71, 81, 82, 83]:
        validate_resident_id(make_id(address=f"{province}0000"), on=TODAY)
    for province in [10, 16, 20, 24, 30, 38, 40, 47, 49, 55, 60, 66, 70, 72, 80, 84, 99]:
        assert error_code(make_id(address=f"{province}0000"), on=TODAY) == "address_code"


def test_today_is_the_default_reference_date() -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=2)
    assert error_code(make_id(birth=tomorrow.strftime("%Y%m%d"))) == "future_birth_date"


def test_wenling_code_before_1994_is_only_a_warning() -> None:
    check = validate_resident_id(make_id("331081", "19900101", "999"), on=TODAY)
    assert check.warnings == ("address code 331081 was created in 1994, after the birth year",)
    assert validate_resident_id(make_id("331081", "19940101"), on=TODAY).warnings == ()
    assert validate_resident_id(make_id("331082", "19800101"), on=TODAY).warnings  # 临海
    assert validate_resident_id(make_id("330100", "19500101"), on=TODAY).warnings == ()  # not in the table


def test_abolished_code_after_the_birth_year_is_a_warning() -> None:
    check = validate_resident_id(make_id("331021", "20180101"), on=TODAY)  # 玉环县, a city since 2017
    assert check.warnings == ("address code 331021 was abolished in 2017, before the birth year",)
    assert validate_resident_id(make_id("331021", "20000101"), on=TODAY).warnings == ()


def test_legacy_15_digit_numbers() -> None:
    legacy = "331081900101999"
    upgraded = make_id("331081", "19900101", "999")
    assert upgrade_legacy_id(legacy) == upgraded
    check = validate_resident_id(f" {legacy} ", on=TODAY)
    assert check.normalized == upgraded and check.birth_date == dt.date(1990, 1, 1)
    assert check.warnings[0] == "converted from a 15-digit number"
    assert "after the birth year" in check.warnings[1]
    assert error_code("331081900230999", on=TODAY) == "birth_date"
    with pytest.raises(IdentityError):
        upgrade_legacy_id("33108190010199")


def test_check_person_matches() -> None:
    check = validate_resident_id(make_id(birth="20000101", sequence="998"), on=TODAY)
    assert check_person_matches(check, dt.date(2000, 1, 1), "female") == []
    assert check_person_matches(check, None, None) == []
    problems = check_person_matches(check, dt.date(2000, 1, 2), "male")
    assert len(problems) == 2
    assert "birth" in problems[0] and "2000-01-01" in problems[0]
    assert "gender" in problems[1] and "birth" not in problems[1]
    # Documents without a birth date in the number contradict nothing.
    assert check_person_matches(DocumentCheck("passport", "EA1234567"), dt.date(1999, 1, 1), "male") == []


@pytest.mark.parametrize(
    ("doc_type", "value", "normalized"),
    [
        (DocumentType.PASSPORT, "E12345678", "E12345678"),
        (DocumentType.PASSPORT, "g 1234 5678", "G12345678"),
        (DocumentType.PASSPORT, "EA1234567", "EA1234567"),
        (DocumentType.PASSPORT, "X1234", "X1234"),  # foreign: 5-20 letters and digits
        (DocumentType.PASSPORT, "AB12345678901234567Z", "AB12345678901234567Z"),
        (DocumentType.HK_MACAU_PERMIT, "H12345678", "H12345678"),
        (DocumentType.HK_MACAU_PERMIT, "m1234567890", "M1234567890"),
        (DocumentType.TAIWAN_PERMIT, "12345678", "12345678"),
        (DocumentType.TAIWAN_PERMIT, "1234567890", "1234567890"),
        (DocumentType.FOREIGN_PERMANENT_RESIDENCE, "usa331081900101", "USA331081900101"),
    ],
)
def test_other_documents_valid(doc_type: str, value: str, normalized: str) -> None:
    check = validate_document(doc_type, value, on=TODAY)
    assert check.normalized == normalized and check.doc_type == doc_type
    assert check.birth_date is None and check.gender is None


@pytest.mark.parametrize(
    ("doc_type", "value", "code"),
    [
        (DocumentType.PASSPORT, "E123", "format"),
        (DocumentType.PASSPORT, "E1234-5678", "format"),
        (DocumentType.PASSPORT, "A" * 21, "format"),
        (DocumentType.HK_MACAU_PERMIT, "K12345678", "format"),
        (DocumentType.HK_MACAU_PERMIT, "H123456789", "format"),
        (DocumentType.TAIWAN_PERMIT, "123456789", "format"),
        (DocumentType.TAIWAN_PERMIT, "T1234567", "format"),
        (DocumentType.HMT_RESIDENCE_PERMIT, make_id("331081"), "address_code"),
        (DocumentType.HMT_RESIDENCE_PERMIT, make_id("810000")[:-1] + "Y", "characters"),
        (DocumentType.HMT_RESIDENCE_PERMIT, make_id("810000", "19900230"), "birth_date"),
        (DocumentType.HMT_RESIDENCE_PERMIT, "810000", "length"),
        (DocumentType.FOREIGN_PERMANENT_RESIDENCE, "US1331081900101", "format"),
        (DocumentType.FOREIGN_PERMANENT_RESIDENCE, "USA3310819001", "length"),
        (DocumentType.FOREIGN_PERMANENT_RESIDENCE, make_id("331081"), "format"),
        (DocumentType.RESIDENT_ID, make_id()[:-1] + "Y", "characters"),
        ("driving_licence", "12345678", "document_type"),
        (DocumentType.PASSPORT, "   ", "length"),
    ],
)
def test_other_documents_invalid(doc_type: str, value: str, code: str) -> None:
    with pytest.raises(IdentityError) as info:
        validate_document(doc_type, value, on=TODAY)
    assert info.value.code == code


def test_hmt_residence_permits() -> None:
    for prefix in ["810000", "820000", "830000"]:
        check = validate_document(
            DocumentType.HMT_RESIDENCE_PERMIT, make_id(prefix, "19851231", "998"), on=TODAY
        )
        assert check.birth_date == dt.date(1985, 12, 31) and check.gender == "female"
    wrong = make_id("810000")
    wrong = wrong[:-1] + ("0" if wrong[-1] != "0" else "1")
    with pytest.raises(IdentityError, match="check character"):
        validate_document(DocumentType.HMT_RESIDENCE_PERMIT, wrong, on=TODAY)


def test_foreign_permanent_residence_2023_format() -> None:
    number = make_id("933840", "19800315", "999")  # 9, province 33, nationality 840
    check = validate_document(DocumentType.FOREIGN_PERMANENT_RESIDENCE, number, on=TODAY)
    assert check.normalized == number and check.birth_date == dt.date(1980, 3, 15) and check.gender == "male"
    broken = number[:-1] + ("0" if number[-1] != "0" else "1")
    with pytest.raises(IdentityError) as info:
        validate_document(DocumentType.FOREIGN_PERMANENT_RESIDENCE, broken, on=TODAY)
    assert info.value.code == "checksum"


def test_resident_id_through_validate_document() -> None:
    check = validate_document(DocumentType.RESIDENT_ID, "331081900101999", on=TODAY)
    assert check.normalized == make_id("331081", "19900101", "999")
    assert check.birth_date == dt.date(1990, 1, 1) and check.gender == "male"
    assert len(check.warnings) == 2
    assert str(DocumentType.HMT_RESIDENCE_PERMIT.label) == "Hong Kong, Macao and Taiwan residence permit"


@pytest.mark.parametrize(
    ("value", "normalized"),
    [
        ("13812345678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("0086 13812345678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("057686123456", "0576-86123456"),
        ("0576 8612 3456", "0576-86123456"),
        ("0576-86123456", "0576-86123456"),
        ("(0576) 86123456", "0576-86123456"),
        ("010-12345678", "010-12345678"),
        ("4008123456", "4008123456"),
        ("+852 9123 4567", "+85291234567"),
    ],
)
def test_normalize_phone(value: str, normalized: str) -> None:
    assert normalize_phone(value) == normalized
    assert normalize_phone(normalized) == normalized


@pytest.mark.parametrize(
    "value",
    ["12345", "1381234567", "138123456789", "", "abc", "05768612345", "138-CALL-5678", "+86 138 1234 567"],
)
def test_normalize_phone_rejects(value: str) -> None:
    with pytest.raises(IdentityError) as info:
        normalize_phone(value)
    assert info.value.code == "phone" and info.value.message == "This is not a valid phone number."
