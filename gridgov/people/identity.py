"""Identity documents and phone numbers: checked and normalised once, at intake.

A normalised value is what gets encrypted and blind-indexed (gridgov.core.crypto), so two spellings of
one number ("331081 1990..." and "3310811990...x") must normalise to the same string, or the exact
lookup that finds duplicate registrations misses them.

Error messages never repeat the number: they end up in form errors, import reports and logs.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import re
import unicodedata
from dataclasses import dataclass

import phonenumbers
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

MALE = "male"
FEMALE = "female"

# GB 11643 / ISO 7064 MOD 11-2.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
# The weighted sum over ASCII codes instead of digits: bytes iterate as ints, so no int() per character;
# each digit's code carries 48 times its weight, taken off once.
_ASCII_OFFSET = 48 * sum(_WEIGHTS)
_PROVINCES = frozenset(
    {*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47), *range(50, 55), *range(61, 66)}
    | {71, 81, 82, 83}  # Taiwan; Hong Kong, Macao and Taiwan residents' residence permits
)
_HMT_PREFIXES = frozenset({"810000", "820000", "830000"})

# County codes (GB/T 2260) with the year they came into use and, if so, the year they went out of use.
# Only a hint: numbers are assigned at first registration, which can be years after birth, so a code newer
# than the birth year is common and legitimate (python-stdnum rejects it; we warn). Taizhou became a
# prefecture-level city in 1994, when its counties got the 3310xx codes; Yuhuan county became a city in 2017.
COUNTY_YEARS: dict[str, tuple[int, int | None]] = {
    "331002": (1994, None),  # 椒江区
    "331003": (1994, None),  # 黄岩区
    "331004": (1994, None),  # 路桥区
    "331021": (1994, 2017),  # 玉环县
    "331022": (1994, None),  # 三门县
    "331023": (1994, None),  # 天台县
    "331024": (1994, None),  # 仙居县
    "331081": (1994, None),  # 温岭市
    "331082": (1994, None),  # 临海市
    "331083": (2017, None),  # 玉环市
}

_ID18 = re.compile(r"[0-9]{17}[0-9X]")
_ID15 = re.compile(r"[0-9]{15}")
_BODY = re.compile(r"[0-9]{17}")


class IdentityError(ValueError):
    """A document number or phone that cannot be accepted; `code` says why, for programs."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class DocumentType(models.TextChoices):
    RESIDENT_ID = "resident_id", gettext_lazy("resident identity card")  # 居民身份证
    PASSPORT = "passport", gettext_lazy("passport")  # 护照
    # 港澳居民来往内地通行证 (回乡证)
    HK_MACAU_PERMIT = "hk_macau_permit", gettext_lazy("travel permit for Hong Kong and Macao residents")
    # 台湾居民来往大陆通行证 (台胞证)
    TAIWAN_PERMIT = "taiwan_permit", gettext_lazy("travel permit for Taiwan residents")
    # 港澳台居民居住证
    HMT_RESIDENCE_PERMIT = (
        "hmt_residence_permit",
        gettext_lazy("Hong Kong, Macao and Taiwan residence permit"),
    )
    # 外国人永久居留身份证
    FOREIGN_PERMANENT_RESIDENCE = (
        "foreign_permanent_residence",
        gettext_lazy("foreign permanent resident ID card"),
    )


@dataclass(frozen=True, slots=True)
class IdCheck:
    normalized: str
    birth_date: dt.date
    gender: str
    address_code: str
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DocumentCheck:
    doc_type: str
    normalized: str
    warnings: tuple[str, ...] = ()
    birth_date: dt.date | None = None  # for ID-like documents, from the number
    gender: str | None = None


def _clean(value: str) -> str:
    # NFKC turns full-width digits and letters (typed with a Chinese input method) into ASCII.
    return "".join(unicodedata.normalize("NFKC", value).split()).upper()


def _check_char_of(body: str) -> str:
    # body is already known to be 17 ASCII digits.
    return _CHECK_CHARS[(sum(map(operator.mul, body.encode("ascii"), _WEIGHTS)) - _ASCII_OFFSET) % 11]


def check_char(body: str) -> str:
    """The GB 11643 check character of the first 17 digits."""
    if not _BODY.fullmatch(body):
        raise IdentityError("characters", _("The number must start with 17 digits."))
    return _check_char_of(body)


def upgrade_legacy_id(value: str) -> str:
    """A 15-digit number (before 1999) as its 18-character form: "19" before the year, check appended."""
    number = _clean(value)
    if not _ID15.fullmatch(number):
        raise IdentityError("characters", _("A 15-digit ID number has only digits."))
    body = number[:6] + "19" + number[6:]
    return body + check_char(body)


def _gb11643(number: str, on: dt.date | None) -> tuple[dt.date, str]:
    """Birth date and gender of an 18-character GB 11643-style number, after its common checks."""
    if len(number) != 18:
        raise IdentityError("length", _("The number must have 18 characters."))
    if not _ID18.fullmatch(number):
        raise IdentityError("characters", _("The number must be 17 digits followed by a digit or X."))
    if _check_char_of(number[:17]) != number[17]:
        raise IdentityError("checksum", _("The check character is wrong: the number has a typing error."))
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise IdentityError("birth_date", _("The birth date in the number does not exist.")) from None
    if birth.year < 1900:
        raise IdentityError("birth_date", _("The birth date in the number is before 1900."))
    if birth > (on or timezone.localdate()):
        raise IdentityError("future_birth_date", _("The birth date in the number is in the future."))
    return birth, MALE if int(number[16]) % 2 else FEMALE


def _county_warnings(code: str, birth_year: int) -> tuple[str, ...]:
    years = COUNTY_YEARS.get(code)
    if years is None:
        return ()
    # Most of a county's older residents share this warning: translate it once per year and language.
    return _county_warnings_in(code, birth_year, get_language())


@functools.lru_cache(maxsize=4096)
def _county_warnings_in(code: str, birth_year: int, language: str | None) -> tuple[str, ...]:
    # `language` is only the cache key: gettext reads the active language itself.
    created, abolished = COUNTY_YEARS[code]
    if birth_year < created:
        return (
            _("address code %(code)s was created in %(year)d, after the birth year")
            % {"code": code, "year": created},
        )
    if abolished is not None and birth_year > abolished:
        return (
            _("address code %(code)s was abolished in %(year)d, before the birth year")
            % {"code": code, "year": abolished},
        )
    return ()


def validate_resident_id(value: str, *, on: dt.date | None = None) -> IdCheck:
    """Check a resident ID number (18 characters, or a legacy 15-digit one) and read what it says."""
    number = _clean(value)
    warnings: list[str] = []
    if len(number) == 15:
        number = upgrade_legacy_id(number)
        warnings.append(_("converted from a 15-digit number"))
    elif len(number) != 18:
        raise IdentityError(
            "length", _("An ID number has 18 characters (or 15 digits if issued before 1999).")
        )
    birth, gender = _gb11643(number, on)
    address = number[:6]
    if int(address[:2]) not in _PROVINCES:
        raise IdentityError("address_code", _("The number does not start with a valid province code."))
    warnings += _county_warnings(address, birth.year)
    return IdCheck(number, birth, gender, address, tuple(warnings))


def check_person_matches(
    check: IdCheck | DocumentCheck, birth_date: dt.date | None, gender: str | None
) -> list[str]:
    """What the entered birth date and gender contradict in the document number, as messages."""
    problems = []
    if birth_date is not None and check.birth_date is not None and birth_date != check.birth_date:
        problems.append(
            _("The birth date does not match the document number, which says %(date)s.")
            % {"date": check.birth_date.isoformat()}
        )
    if gender in (MALE, FEMALE) and check.gender is not None and gender != check.gender:
        problems.append(_("The gender does not match the document number."))
    return problems


def _require(pattern: str, number: str, message: Promise) -> None:
    # The message is lazy: translated only when the number is refused.
    if not re.fullmatch(pattern, number):
        raise IdentityError("format", str(message))


# Member by value; Choices.values and the enum's own lookup both cost more than a dict on every row.
_KINDS: dict[str, DocumentType] = {kind.value: kind for kind in DocumentType}


def validate_document(doc_type: str, value: str, *, on: dt.date | None = None) -> DocumentCheck:
    """Check a document number of the given type; ID-like numbers also give birth date and gender."""
    kind = _KINDS.get(doc_type)
    if kind is None:
        raise IdentityError("document_type", _("Unknown document type."))
    number = _clean(value)
    if not number:
        raise IdentityError("length", _("The document number is missing."))
    if kind == DocumentType.RESIDENT_ID:
        check = validate_resident_id(number, on=on)
        return DocumentCheck(kind.value, check.normalized, check.warnings, check.birth_date, check.gender)
    if kind == DocumentType.PASSPORT:
        # Chinese passports are E/G + 8 digits or E + letter + 7 digits, but foreign ones come in every
        # shape, so only the common ground of machine-readable passports is enforced.
        _require(r"[A-Z0-9]{5,20}", number, gettext_lazy("A passport number has 5 to 20 letters and digits."))
        return DocumentCheck(kind.value, number)
    if kind == DocumentType.HK_MACAU_PERMIT:
        _require(
            r"[HM](?:[0-9]{8}|[0-9]{10})",
            number,
            gettext_lazy("A Hong Kong or Macao travel permit number is H or M followed by 8 or 10 digits."),
        )
        return DocumentCheck(kind.value, number)
    if kind == DocumentType.TAIWAN_PERMIT:
        _require(
            r"[0-9]{8}|[0-9]{10}",
            number,
            gettext_lazy("A Taiwan travel permit number has 8 or 10 digits."),
        )
        return DocumentCheck(kind.value, number)
    if kind == DocumentType.HMT_RESIDENCE_PERMIT:
        if number[:6] not in _HMT_PREFIXES:
            raise IdentityError(
                "address_code", _("A residence permit number starts with 810000, 820000 or 830000.")
            )
        birth, gender = _gb11643(number, on)
        return DocumentCheck(kind.value, number, (), birth, gender)
    # Foreign permanent residence: the 2004-2023 cards have 3 letters (nationality) and 12 digits; since
    # December 2023 the number follows GB 11643 (17 digits + MOD 11-2 check), first digit 9.
    if len(number) == 15:
        _require(
            r"[A-Z]{3}[0-9]{12}",
            number,
            gettext_lazy(
                "A foreign permanent resident card number of 15 characters is 3 letters and 12 digits."
            ),
        )
        return DocumentCheck(kind.value, number)
    if len(number) != 18:
        raise IdentityError("length", _("A foreign permanent resident card number has 15 or 18 characters."))
    if not number.startswith("9"):
        raise IdentityError(
            "format", _("An 18-character foreign permanent resident card number starts with 9.")
        )
    birth, gender = _gb11643(number, on)
    return DocumentCheck(kind.value, number, (), birth, gender)


_PHONE_CHARACTERS = re.compile(r"[0-9+()\- ]{3,30}")

# Prefixes of 11-digit numbers that phonenumbers' CN metadata (9.0.x) takes as mobiles whatever the other
# digits, read off its mobile pattern 1(?:610\d|740[0-5])\d{6}|1(?:[38]\d|4[57]|[59][0-35-9]|6[25-7]|
# 7[0-35-8])\d{8}. Parsing and validating them costs ~30 µs a number, most of an import row's checks;
# with these they are accepted as they are. tests/people/test_validation_speed_equivalence.py pins the
# pattern and runs both paths over every 5-digit prefix 10000-19999, so a metadata update that moves
# them fails a test.
_MOBILE_PREFIXES = frozenset(
    {f"13{d}" for d in range(10)}
    | {"145", "147"}
    | {f"15{d}" for d in (0, 1, 2, 3, 5, 6, 7, 8, 9)}
    | {"162", "165", "166", "167", "1610"}
    | {f"17{d}" for d in (0, 1, 2, 3, 5, 6, 7, 8)}
    | {f"1740{d}" for d in range(6)}
    | {f"18{d}" for d in range(10)}
    | {f"19{d}" for d in (0, 1, 2, 3, 5, 6, 7, 8, 9)}
)


def _plain_mobile(text: str) -> bool:
    """Whether text is 11 ASCII digits under a mobile prefix: valid for phonenumbers, and its own form."""
    return (
        len(text) == 11
        and text.isascii()
        and text.isdigit()
        and (text[:3] in _MOBILE_PREFIXES or text[:4] in _MOBILE_PREFIXES or text[:5] in _MOBILE_PREFIXES)
    )


def _invalid_phone() -> IdentityError:
    return IdentityError("phone", _("This is not a valid phone number."))


def normalize_phone(value: str) -> str:
    """Mobiles as 11 digits, landlines as "0576-86123456"; numbers outside the mainland in E.164."""
    text = unicodedata.normalize("NFKC", value).strip()
    if _plain_mobile(text):
        return text
    # phonenumbers also reads letters (vanity numbers such as 1-800-FLOWERS): not something to accept here.
    if not _PHONE_CHARACTERS.fullmatch(text):
        raise _invalid_phone()
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        raise _invalid_phone() from None
    if not phonenumbers.is_valid_number(number) or number.extension:
        raise _invalid_phone()
    if number.country_code != 86:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    national = phonenumbers.national_significant_number(number)
    area = phonenumbers.length_of_geographical_area_code(number)
    if area:
        return f"0{national[:area]}-{national[area:]}"
    return national
