"""The workbook parsed in a child process while this one validates (and the database works).

openpyxl's parse is about half of validating a row, and Python runs it on one core. Forked, the child
parses the file (`reader.open_workbook`, `sheets`, `rows`: the very code the single-process path runs)
and streams each sheet's rows as plain tuples through a pipe, in chunks, while the importing process
validates the rows already read. The child never touches the database: it inherits the parent's
connections but never uses them, and leaves through os._exit (multiprocessing's fork start), which
closes nothing the parent still uses. Objects it inherited are frozen out of its garbage collector, so
no finaliser of the parent's (a cursor, a temporary file) can run in it.

What the child finds wrong reaches the importer as in one process: a WorkbookError with the same
message (it is formatted in the child, in the language the import runs in, which the fork inherits),
the sheet's problems in the same order, the rows before a damaged part validated as before. Whatever
else stops the child (a bug, the kernel killing it) is a RuntimeError: the import fails and is logged.
The child is always gone when `workbook` returns or raises.

Fork only: a spawned interpreter would spend a good part of a second importing Django and openpyxl
before reading anything. Off Linux (PARALLEL), or with parallel=False, the file is read in process.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import signal
import sys
import traceback
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path
from typing import IO, Any

from gridgov.people.excel.columns import BY_KIND
from gridgov.people.excel.reader import Row, Sheet, WorkbookError, open_workbook, rows, sheets

CHUNK = 200  # rows per message: small enough that validation starts at once, large enough to batch
PIPE_BYTES = 1 << 20  # Linux's default pipe holds 64 KiB, about 400 rows: room for a few thousand more
# Linux only: macOS has fork, but its system libraries are not safe in a forked child (Python starts
# processes there by spawning since 3.8).
PARALLEL = sys.platform.startswith("linux")
_F_SETPIPE_SZ = 1031  # Linux's fcntl command to resize a pipe
Found = list[tuple[Sheet, Iterable[Row]]]


def reads(sheet: Sheet, wanted: frozenset[str]) -> bool:
    """Whether the sheet's rows are read: a known sheet, headers right, and the actor may import it."""
    return sheet.spec is not None and not sheet.problems and sheet.spec.kind in wanted


@contextmanager
def workbook(
    source: Path | IO[bytes], wanted: frozenset[str], parallel: bool | None = None
) -> Iterator[Found]:
    """The workbook's sheets (as `reader.sheets` gives them), each with its rows when `reads` says so;
    the rows of one sheet must be read before the next sheet's. Raises WorkbookError as the reader does.
    Parsed in a child process unless `parallel` is False (by default, on Linux)."""
    opener = _in_child if (PARALLEL if parallel is None else parallel) else _in_process
    with opener(source, wanted) as found:
        yield found


@contextmanager
def _in_process(source: Path | IO[bytes], wanted: frozenset[str]) -> Iterator[Found]:
    wb = open_workbook(source)
    try:
        found = sheets(wb)
        yield [(sheet, rows(sheet) if reads(sheet, wanted) else ()) for sheet in found]
    finally:
        wb.close()


@contextmanager
def _in_child(source: Path | IO[bytes], wanted: frozenset[str]) -> Iterator[Found]:
    if not isinstance(source, Path | BytesIO):
        # An open file's offset would be shared with the child: hand it a copy of the bytes instead.
        source = BytesIO(source.read())
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    with contextlib.suppress(OSError):  # a smaller pipe only means the child waits more often
        import fcntl  # Unix only, as fork is

        fcntl.fcntl(sender.fileno(), _F_SETPIPE_SZ, PIPE_BYTES)
    process = context.Process(
        target=_child, args=(sender, source, wanted), name="gridgov-workbook-reader", daemon=True
    )
    process.start()
    sender.close()  # the child's end only: its exit is then the end of the stream
    stream = _Stream(receiver)
    try:
        heads = stream.receive("sheets")
        found = [Sheet(title, BY_KIND[kind] if kind else None, *rest) for title, kind, *rest in heads]
        yield [(sheet, stream.rows(sheet) if reads(sheet, wanted) else ()) for sheet in found]
        stream.receive("done")
    finally:
        receiver.close()
        if process.exitcode is None and not stream.done:
            process.kill()  # left early (an error here, or the child's): it has nothing to finish
        process.join()
        process.close()


class _Stream:
    def __init__(self, receiver: Any) -> None:
        self.receiver, self.done = receiver, False

    def receive(self, expected: str) -> Any:
        try:
            kind, payload = self.receiver.recv()
        except EOFError:
            raise RuntimeError("the workbook reader process ended without a word") from None
        if kind == "error":
            raise WorkbookError(payload)
        if kind == "crash":
            raise RuntimeError(f"the workbook reader process failed:\n{payload}")
        if kind != expected:
            raise RuntimeError(f"the workbook reader sent {kind!r} where {expected!r} was due")
        self.done = kind == "done"
        return payload

    def rows(self, sheet: Sheet) -> Iterator[Row]:
        while (chunk := self.receive("rows")) is not None:
            for number, values, types in chunk:
                yield Row(number, values, types)
        # Problems the reader found while reading the rows (stray cells, merged cells, a long gap).
        sheet.problems += self.receive("end")


def _child(sender: Any, source: Path | BytesIO, wanted: frozenset[str]) -> None:
    # The parent stops the child when it is done with it; an interrupt is the parent's to handle.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    gc.freeze()
    try:
        _send_workbook(sender, source, wanted)
    except WorkbookError as error:
        with contextlib.suppress(OSError):
            sender.send(("error", error.message))
    except BaseException:  # reported to the parent, which raises it there
        with contextlib.suppress(OSError):
            sender.send(("crash", traceback.format_exc()))
    finally:
        sender.close()


def _send_workbook(sender: Any, source: Path | BytesIO, wanted: frozenset[str]) -> None:
    wb = open_workbook(source)
    try:
        found = sheets(wb)
        heads = [
            (s.title, s.spec.kind if s.spec else None, s.headers, s.positions, s.max_row, s.problems)
            for s in found
        ]
        sender.send(("sheets", heads))
        for sheet in found:
            if not reads(sheet, wanted):
                continue
            known = len(sheet.problems)
            chunk: list[tuple[int, list[Any], list[str]]] = []
            try:
                for row in rows(sheet):
                    chunk.append((row.number, row.values, row.types))
                    if len(chunk) >= CHUNK:
                        sender.send(("rows", chunk))
                        chunk = []
            finally:
                # The rows before a damaged part are validated, as in one process.
                if chunk:
                    sender.send(("rows", chunk))
            sender.send(("rows", None))
            sender.send(("end", sheet.problems[known:]))
    finally:
        wb.close()
    sender.send(("done", None))
