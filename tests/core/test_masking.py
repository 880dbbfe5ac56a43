"""Masked forms for lists and logs: enough to tell people apart, not enough to identify them."""

from __future__ import annotations

import logging

import pytest

from gridgov.core.masking import MaskingLogFilter, mask_id_number, mask_name, mask_phone, mask_text

# Fictional numbers: 999999 is no address code.
ID18 = "999999199001011234"
ID18X = "99999919900101123X"
ID15 = "999999900101123"


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        (ID18, "999999********1234"),
        (ID18X, "999999********123X"),
        (f" {ID18} ", "999999********1234"),
        (ID15, "999999*****1123"),
        ("EA1234567", "EA*****67"),
        ("H12345678", "H1*****78"),
        ("ABC123456789012", "AB***********12"),
        ("12345", "12*45"),
        ("1234", "****"),
        ("", ""),
    ],
)
def test_mask_id_number(value: str, masked: str) -> None:
    assert mask_id_number(value) == masked
    assert len(mask_id_number(value)) == len(value.strip())


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13812345678", "138****5678"),
        ("0576-86123456", "0576-****3456"),
        ("010-1234567", "010-***4567"),
        ("+85291234567", "********4567"),
        ("4008123456", "******3456"),
        ("110", "***"),
        ("", ""),
    ],
)
def test_mask_phone(value: str, masked: str) -> None:
    assert mask_phone(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("林会兵", "林**"),
        ("王哲", "王*"),
        ("欧阳修", "欧**"),
        ("林", "*"),
        (" 陈慧玲 ", "陈**"),
        ("Anna Li", "A*** L*"),
        ("", ""),
    ],
)
def test_mask_name(value: str, masked: str) -> None:
    assert mask_name(value) == masked


def test_mask_text_finds_numbers_in_free_text() -> None:
    text = f"居民 {ID18} 电话13812345678, old id {ID15}; x={ID18X}。"
    assert mask_text(text) == (
        "居民 999999********1234 电话138****5678, old id 999999*****1123; x=999999********123X。"
    )


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("call +8613812345678", "call +86138****5678"),
        ("call 86-138-1234-5678", "call 86-138****5678"),
        ("call 138 1234 5678 now", "call 138****5678 now"),
        ("0086 13812345678", "0086 138****5678"),
        ("phone=13812345678&id=" + ID18, "phone=138****5678&id=999999********1234"),
    ],
)
def test_mask_text_phone_spellings(text: str, masked: str) -> None:
    assert mask_text(text) == masked


def test_mask_text_leaves_other_numbers() -> None:
    # Longer digit runs are other identifiers; short ones are counts, years, room numbers.
    for text in ["order 12345678901234567890", "room 9-4-301, 2024", "12812345678", "10 households"]:
        assert mask_text(text) == text
    assert mask_text(mask_text(f"{ID18} 13812345678")) == mask_text(f"{ID18} 13812345678")


def test_log_filter_masks_formatted_message(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("gridgov.tests.masking")
    log_filter = MaskingLogFilter()
    caplog.handler.addFilter(log_filter)
    try:
        with caplog.at_level(logging.INFO, logger=logger.name):
            logger.info("lookup %s by %s for %d", ID18, "13812345678", 3)
            logger.info({"phone": "13812345678"})
            logger.warning("literal %s without args")
    finally:
        caplog.handler.removeFilter(log_filter)
    messages = [record.getMessage() for record in caplog.records]
    assert messages == [
        "lookup 999999********1234 by 138****5678 for 3",
        "{'phone': '138****5678'}",
        "literal %s without args",
    ]
    assert all(record.args is None for record in caplog.records)
    assert "13812345678" not in caplog.text and ID18 not in caplog.text


def test_log_filter_masks_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("gridgov.tests.masking.exc")
    log_filter = MaskingLogFilter()
    caplog.handler.addFilter(log_filter)
    try:
        with caplog.at_level(logging.ERROR, logger=logger.name):
            try:
                raise ValueError(f"duplicate document {ID18}")
            except ValueError:
                logger.exception("import failed")
    finally:
        caplog.handler.removeFilter(log_filter)
    assert "duplicate document 999999********1234" in caplog.text
    assert ID18 not in caplog.text


def test_log_filter_survives_a_bad_format_string() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%d items for %s", ("many",), None)
    assert MaskingLogFilter().filter(record) is True
    assert record.args is None and "many" in record.getMessage()
