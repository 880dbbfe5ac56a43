"""Rewrite an openpyxl-written workbook the way Excel and WPS save theirs: strings in the workbook's
shared-string table (`t="s"`), not inline in each cell (`t="inlineStr"`).

openpyxl 3.1 writes every string inline; Excel and WPS never do, and the files people import were last
saved by one of them (the template is downloaded, filled in and saved). openpyxl reads an inline string
through its rich-text parser, about 1.8× slower than a shared one, so a benchmark file written by
openpyxl alone would measure a file nobody imports.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
# openpyxl's own output: one cell per match, its text in a single <t> (with xml:space when needed).
_INLINE = re.compile(r'<c r="([A-Z]+\d+)"((?: s="\d+")?) t="inlineStr"><is><t(?: [^>]*)?>(.*?)</t></is></c>')
# An empty string openpyxl keeps as an empty inline cell; Excel keeps no cell at all (both read as None).
_EMPTY = re.compile(r'<c r="[A-Z]+\d+"(?: s="\d+")? t="inlineStr" />')


def share_strings(path: Path) -> int:
    """Rewrite `path` in place; returns how many distinct strings the shared table holds."""
    table: dict[str, int] = {}

    def shared(match: re.Match[str]) -> str:
        ref, style, text = match.groups()
        index = table.setdefault(text, len(table))
        return f'<c r="{ref}"{style} t="s"><v>{index}</v></c>'

    # The two parts that must name the new shared-string table; worksheets get their cells rewritten.
    names_the_table = {
        "[Content_Types].xml": (
            "</Types>",
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_SST_TYPE}" />',
        ),
        "xl/_rels/workbook.xml.rels": (
            "</Relationships>",
            f'<Relationship Type="{_SST_REL}" Target="sharedStrings.xml" Id="rIdShared" />',
        ),
    }
    temporary = path.with_suffix(".sharing.xlsx")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as out:
        for name in source.namelist():
            data = source.read(name)
            if name.startswith("xl/worksheets/"):
                data = _EMPTY.sub("", _INLINE.sub(shared, data.decode())).encode()
            elif name in names_the_table:
                end, entry = names_the_table[name]
                data = data.decode().replace(end, entry + end).encode()
            out.writestr(name, data)
        # The texts were escaped when openpyxl wrote them: they go into the table as they are.
        items = "".join(f'<si><t xml:space="preserve">{text}</t></si>' for text in table)
        out.writestr(
            "xl/sharedStrings.xml",
            f'<sst xmlns="{_MAIN}" count="{len(table)}" uniqueCount="{len(table)}">{items}</sst>',
        )
    shutil.move(temporary, path)
    return len(table)
