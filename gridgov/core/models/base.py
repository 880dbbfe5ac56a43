"""Base classes every gridgov record uses: scoped querysets and audited writes.

Writes through `save()`, `delete()` (cascades included), `QuerySet.update()`, `bulk_create()` and
`bulk_update()` all append audit entries in the same transaction as the change. Raw SQL does not,
and gridgov has none outside migrations, except `insert.insert_new`, whose rows bulk_create records.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, Self, TypeVar

from django.db import models, transaction
from django.db.models import Q

from gridgov.core.models.insert import insert_new

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


class ScopedUser(Protocol):
    """What restrict() needs of a user; gridgov.accounts.User provides it."""

    @property
    def is_authenticated(self) -> bool: ...

    @property
    def is_active(self) -> bool: ...

    def has_perm(self, perm: str, obj: Any = None) -> bool: ...

    def scope_q(self, model: type[models.Model]) -> Q | None: ...


# bulk_update() runs update() underneath; it records its own entries, so that inner update is silent.
_inside_bulk_update: ContextVar[bool] = ContextVar("gridgov_inside_bulk_update", default=False)


_M = TypeVar("_M", bound=models.Model)


class RestrictedQuerySet(models.QuerySet[_M]):
    def restrict(self, user: ScopedUser | AnonymousUser, action: str = "view") -> Self:
        """The one choke point: what `user` may `action` (view, add, change, delete).

        The role decides whether the action is allowed on this kind of record at all; the account's
        scope on the map decides which rows.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        meta = self.model._meta
        if not user.has_perm(f"{meta.app_label}.{action}_{meta.model_name}"):
            return self.none()
        scope = getattr(user, "scope_q", None)
        if scope is None:
            return self.none()
        q = scope(self.model)
        return self if q is None else self.filter(q)


def _as_loaded(row: models.Model) -> dict[str, Any]:
    """The snapshot AuditedModel.from_db took when the row was read, or one taken now."""
    from gridgov.core import audit

    loaded: dict[str, Any] | None = row.__dict__.get("_audit_before")
    return audit.snapshot(row) if loaded is None else loaded


class AuditedQuerySet(RestrictedQuerySet[_M]):
    def update(self, **kwargs: Any) -> int:
        from gridgov.core import audit

        if _inside_bulk_update.get():
            return super().update(**kwargs)
        with transaction.atomic(using=self.db):
            before = {row.pk: _as_loaded(row) for row in self.select_for_update(of=("self",))}
            count = super().update(**kwargs)
            if before:
                after_rows = self.model._default_manager.filter(pk__in=list(before))
                audit.record_changes([(row, before[row.pk], _as_loaded(row)) for row in after_rows])
        return count

    def bulk_create(self, objs: Iterable[_M], *args: Any, **kwargs: Any) -> list[_M]:
        from gridgov.core import audit

        objs = list(objs)
        simple = not args and set(kwargs) <= {"batch_size"}
        # No savepoint, as in save(): an error dooms the enclosing transaction.
        with transaction.atomic(using=self.db, savepoint=False):
            if simple and insert_new(self, objs, kwargs.get("batch_size")):
                created = objs
            else:
                created = super().bulk_create(objs, *args, **kwargs)
            # One entry per row, snapshotted from the objects in memory, inserted in one statement.
            audit.record_creates(created)
        return created

    def bulk_update(self, objs: Iterable[_M], fields: Iterable[str], batch_size: int | None = None) -> int:
        from gridgov.core import audit

        objs = list(objs)
        with transaction.atomic(using=self.db):
            # One read for the whole batch: the objects' own load-time snapshots may be stale.
            stored = {
                row.pk: _as_loaded(row)
                for row in self.model._default_manager.filter(pk__in=[o.pk for o in objs])
            }
            token = _inside_bulk_update.set(True)
            try:
                count = super().bulk_update(objs, fields, batch_size)
            finally:
                _inside_bulk_update.reset(token)
            audit.record_changes([(o, stored.get(o.pk, {}), audit.snapshot(o)) for o in objs])
        return count


class AuditedModel(models.Model):
    """A record whose every write is on the audit trail."""

    # Fields whose values never go into the trail (hashes, ciphertext): recorded as changed only.
    audit_redacted: ClassVar[frozenset[str]] = frozenset()

    objects = AuditedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        from gridgov.core import audit

        creating = self._state.adding or self.pk is None
        # No savepoint of its own: an error inside marks the enclosing transaction for rollback (as
        # Django's own save_base does around its INSERT), so a row can never commit without its entry,
        # and no caller of gridgov relies on recovering from a failed save inside its transaction
        # (get_or_create and update_or_create keep their own savepoint around the create).
        with transaction.atomic(using=kwargs.get("using"), savepoint=False):
            if not creating and not hasattr(self, "_audit_before"):
                stored = type(self)._default_manager.filter(pk=self.pk).first()
                self._audit_before = _as_loaded(stored) if stored else {}
            super().save(*args, **kwargs)
            after = audit.snapshot(self)
            if creating:
                audit.record_create(self, after)
            else:
                audit.record_changes([(self, self._audit_before, after)])
            self._audit_before = after

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        # The post_delete receiver in gridgov.core.signals writes the entries, for cascades too.
        with transaction.atomic(using=kwargs.get("using")):
            return super().delete(*args, **kwargs)

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> Self:
        from gridgov.core import audit

        instance = super().from_db(db, field_names, values)
        instance._audit_before = audit.snapshot(instance)
        return instance
