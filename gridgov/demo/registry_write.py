"""Write demo plans to the database, sealed by the same code as the services, in bulk.

Two ways, one set of rows:

- "audited": the audited querysets' `bulk_create`, one audit entry per row, as every other write in
  gridgov. The Wenling demo (a few thousand residents) uses it.
- "batch": plain INSERTs (SQLite `executemany`, PostgreSQL `COPY`) with ONE audit entry per table and
  batch naming the rows' id range. At city scale an entry per row would triple the time and add
  gigabytes of trail recording generated data; the batch entry still says who loaded what, when and
  why, and it is sealed into the hash chain like any other.

Document numbers and phones go through `gridgov.people.services.sealing` (ciphertext, blind index and
masked form), so the rows are indistinguishable from ones the services wrote.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from django.db import connection, models

from gridgov.core import audit
from gridgov.demo.registry_people import PersonPlan
from gridgov.demo.registry_plan import GridPlan
from gridgov.people.identity import DocumentType
from gridgov.people.models import (
    Building,
    Household,
    Residence,
    ResidenceRegistration,
    Resident,
    ResidentTag,
    Tag,
    Unit,
)
from gridgov.people.pinyin import name_keys
from gridgov.people.services import sealing
from gridgov.people.services.validation import ResidentInput, clean_resident

Mode = Literal["audited", "batch"]
Row = tuple[Any, ...]

# Column order of each table's rows; checked against the models so a new field cannot be forgotten.
COLUMNS: dict[type[models.Model], tuple[str, ...]] = {
    Building: ("id", "grid_id", "name", "address", "lng", "lat", "floors", "high_rise", "use"),
    Unit: ("id", "building_id", "number"),
    Household: ("id", "building_id", "unit_id", "room", "address", "grid_id"),
    Resident: (
        "id", "name", "name_pinyin", "name_initials", "gender", "birth_date", "document_type",
        "document_cipher", "document_index", "document_masked", "phone_cipher", "phone_index",
        "phone_masked", "relation", "kind", "workplace", "household_id", "grid_id", "moved_away_on",
        "anonymised_at",
    ),
    Residence: ("id", "resident_id", "household_id", "moved_in", "moved_out"),
    ResidenceRegistration: (
        "id", "resident_id", "household_id", "start", "expected_end", "ended_on", "landlord_name",
        "landlord_phone_cipher", "landlord_phone_index", "landlord_phone_masked", "reason",
        "registered_by_id",
    ),
    ResidentTag: ("id", "resident_id", "tag_id", "start", "end", "note"),
}  # fmt: skip
ORDER = (Building, Unit, Household, Resident, Residence, ResidenceRegistration, ResidentTag)


class WriteError(RuntimeError):
    pass


def check_columns() -> None:
    for model, columns in COLUMNS.items():
        fields = {f.attname for f in model._meta.concrete_fields}
        if fields != set(columns):
            raise WriteError(f"{model._meta.label}: demo rows have {sorted(columns)}, model {sorted(fields)}")


class _Sealed:
    """Takes the attributes `sealing` sets on a record, without the cost of a model instance."""

    __slots__ = (
        "document_cipher",
        "document_index",
        "document_masked",
        "document_type",
        "landlord_phone_cipher",
        "landlord_phone_index",
        "landlord_phone_masked",
        "phone_cipher",
        "phone_index",
        "phone_masked",
    )
    document_type: str
    document_cipher: str
    document_index: str
    document_masked: str
    phone_cipher: str
    phone_index: str
    phone_masked: str
    landlord_phone_cipher: str
    landlord_phone_index: str
    landlord_phone_masked: str


@dataclass(slots=True)
class Rows:
    tables: dict[type[models.Model], list[Row]] = field(default_factory=lambda: {m: [] for m in ORDER})

    def count(self, model: type[models.Model]) -> int:
        return len(self.tables[model])


class Ids:
    """Primary keys handed out before the insert, so that rows can point at each other in one pass."""

    def __init__(self, counts: dict[type[models.Model], int]) -> None:
        self._free = {model: iter(reserve_ids(model, n)) for model, n in counts.items() if n}

    def next(self, model: type[models.Model]) -> int:
        return next(self._free[model])


def reserve_ids(model: type[models.Model], n: int) -> list[int]:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # From the table's own sequence: safe with concurrent writers, and later inserts continue.
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n]
            )
            return [int(r[0]) for r in cursor.fetchall()]
        # SQLite: the IMMEDIATE transaction holds the write lock. Above the AUTOINCREMENT counter too, so
        # the ids of deleted rows (still named in the audit trail) are never handed out again.
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        top = int(cursor.fetchone()[0])
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        found = cursor.fetchone()
        start = max(top, int(found[0]) if found else 0) + 1
        return list(range(start, start + n))


def _sealed_person(p: PersonPlan, validate: bool) -> tuple[str, str, str, _Sealed]:
    """(name, pinyin, initials, sealed numbers) of a planned person, validated like a form if asked."""
    if validate:
        clean = clean_resident(
            ResidentInput(
                name=p.name,
                document_number=p.document,
                gender=p.gender,
                birth_date=p.birth,
                phone=p.phone,
                relation=p.relation,
                kind=p.kind,
                workplace=p.workplace,
            )
        )
        name, pinyin, initials, number, phone = (
            clean.name,
            clean.pinyin,
            clean.initials,
            clean.document_number,
            clean.phone,
        )
    else:
        pinyin, initials = name_keys(p.name)
        name, pinyin, initials, number, phone = p.name, pinyin[:120], initials[:30], p.document, p.phone
    holder = _Sealed()
    sealing.seal_document(cast(Resident, holder), DocumentType.RESIDENT_ID, number)
    sealing.seal_phone(cast(Resident, holder), phone)
    return name, pinyin, initials, holder


def rows_for(
    plans: Sequence[GridPlan],
    skip: set[tuple[int, str]],
    tag_ids: dict[str, int],
    *,
    validate: bool,
) -> Rows:
    """Rows for every planned building not in `skip` ((grid id, name) pairs already stored)."""
    fresh = [(plan, b) for plan in plans for b in plan.buildings if (plan.site.pk, b.name) not in skip]
    people = [p for _plan, b in fresh for h in b.households for p in h.people]
    ids = Ids(
        {
            Building: len(fresh),
            Unit: sum(len(b.units) for _plan, b in fresh),
            Household: sum(len(b.households) for _plan, b in fresh),
            Resident: len(people),
            Residence: len(people),
            ResidenceRegistration: sum(1 for p in people if p.registration),
            ResidentTag: sum(len(p.tags) for p in people),
        }
    )
    rows = Rows()
    t = rows.tables
    for plan, b in fresh:
        grid = plan.site.pk
        building = ids.next(Building)
        t[Building].append((building, grid, b.name, b.address, b.lng, b.lat, b.floors, b.high_rise, b.use))
        units: dict[str, int] = {}
        for number in b.units:
            units[number] = ids.next(Unit)
            t[Unit].append((units[number], building, number))
        for h in b.households:
            household = ids.next(Household)
            address = " ".join(part for part in (b.address, h.unit, h.room) if part)
            t[Household].append((household, building, units.get(h.unit), h.room, address, grid))
            for p in h.people:
                _person_rows(t, ids, p, household, grid, plan.site.worker_id, tag_ids, validate)
    return rows


def _person_rows(
    t: dict[type[models.Model], list[Row]],
    ids: Ids,
    p: PersonPlan,
    household: int,
    grid: int,
    worker: int | None,
    tag_ids: dict[str, int],
    validate: bool,
) -> None:
    resident = ids.next(Resident)
    name, pinyin, initials, s = _sealed_person(p, validate)
    here = None if p.departed_on else household
    t[Resident].append(
        (
            resident, name, pinyin, initials, p.gender, p.birth, s.document_type, s.document_cipher,
            s.document_index, s.document_masked, s.phone_cipher, s.phone_index, s.phone_masked,
            p.relation, p.kind, p.workplace, here, grid, p.departed_on, None,
        )
    )  # fmt: skip
    t[Residence].append((ids.next(Residence), resident, household, p.moved_in, p.departed_on))
    if p.registration is not None:
        g = p.registration
        landlord = _Sealed()
        sealing.seal_landlord_phone(cast(ResidenceRegistration, landlord), g.landlord_phone)
        t[ResidenceRegistration].append(
            (
                ids.next(ResidenceRegistration), resident, household, g.start, g.expected_end,
                p.departed_on, g.landlord_name, landlord.landlord_phone_cipher,
                landlord.landlord_phone_index, landlord.landlord_phone_masked, g.reason, worker,
            )
        )  # fmt: skip
    for tag in p.tags:
        t[ResidentTag].append(
            (ids.next(ResidentTag), resident, tag_ids[tag.code], tag.start, tag.end, tag.note)
        )


def write(rows: Rows, mode: Mode, reason: str) -> dict[str, int]:
    """Insert the rows table by table (parents first); returns the number written per table."""
    written: dict[str, int] = {}
    made: dict[type[models.Model], dict[int, models.Model]] = {}
    if mode == "audited" and rows.tables[ResidentTag]:
        made[Tag] = dict(Tag.objects.in_bulk())
    for model in ORDER:
        table = rows.tables[model]
        if not table:
            continue
        columns = COLUMNS[model]
        if mode == "audited":
            objects = [_instance(model, columns, row, made) for row in table]
            # The audited queryset's bulk_create: an audit entry per row, in this transaction.
            cast(Any, model._default_manager).bulk_create(objects, batch_size=500)
            made[model] = {obj.pk: obj for obj in objects}
        else:
            _insert(model, columns, table)
            audit.record_event(
                "create",
                f"bulk load: {len(table)} × {model._meta.label_lower}",
                {
                    "model": model._meta.label_lower,
                    "rows": len(table),
                    "first_id": table[0][0],
                    "last_id": table[-1][0],
                    "path": "demo registry batch load",
                },
                reason,
            )
        written[model._meta.label_lower] = len(table)
    return written


def _instance(
    model: type[models.Model],
    columns: Sequence[str],
    row: Row,
    made: dict[type[models.Model], dict[int, models.Model]],
) -> models.Model:
    """A model instance for the row, its parents attached from those just made.

    The audit trail describes each row by str(), which for a residence names its resident and
    household: without the parents at hand that would be two queries per row.
    """
    obj = model(**dict(zip(columns, row, strict=True)))
    for f in model._meta.concrete_fields:
        parent = made.get(f.related_model) if f.is_relation else None  # type: ignore[arg-type]
        value = getattr(obj, f.attname)
        if parent is not None and value is not None:
            setattr(obj, f.name, parent[value])
    return obj


def _insert(model: type[models.Model], columns: Sequence[str], rows: Iterable[Row]) -> None:
    quote = connection.ops.quote_name
    table, names = quote(model._meta.db_table), ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY is about three times faster than executemany on PostgreSQL, which pays a round trip
            # per statement; names come from the model's metadata, quoted, never from input.
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(rows))  # noqa: S608


def tune_for_bulk_load() -> None:
    """On SQLite, a page cache large enough for the indexes being filled (the default is 2 MB).

    The blind indexes are random, so every insert lands on a different index page; past a few hundred
    thousand rows, a small cache turns each of them into a read from disk. Only this connection.
    """
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")  # KiB: 256 MiB


def existing_buildings(grid_ids: Iterable[int]) -> set[tuple[int, str]]:
    return set(Building.objects.filter(grid_id__in=list(grid_ids)).values_list("grid_id", "name"))


def analyze() -> None:
    """Fresh planner statistics after a bulk load: without them both databases pick poor plans. On
    PostgreSQL also VACUUM (when not inside a transaction), as autovacuum would soon after a load this
    size: until the visibility map is set, covering indexes cannot answer without reading the table."""
    tables = [m._meta.db_table for m in ORDER]
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"{'VACUUM ANALYZE' if vacuum else 'ANALYZE'} {connection.ops.quote_name(table)}")
