"""Two editors saving the same record: the second save is refused and told what changed.

django-concurrency gives every edited model a version number and every admin form a hidden
copy of it; on its own it compares them without a lock, and its admin mixin swallows the error
a simultaneous save raises, so both editors were told "changed successfully" and one edit was
lost. Here:

- `LockingConcurrentForm.clean()` locks the record's row (SELECT ... FOR UPDATE, held until the
  request's transaction ends: ATOMIC_REQUESTS) before comparing versions, so of two saves
  released together the second waits for the first and then sees its new version. On SQLite,
  which has no row locks, each request's transaction takes the write lock when it begins
  (`transaction_mode = IMMEDIATE`, settings), which serialises the saves the same way.
- A refused form keeps the editor's values and carries a non-field error that says who saved
  what, and when (from the record's history).
- `ConflictSafeAdminMixin` saves without swallowing anything: an unexpected conflict at save
  time is a clear 409 (commitments.errors.WriteConflictMiddleware), never a silent success.
"""

from __future__ import annotations

from concurrency.forms import ConcurrentForm
from django.contrib import admin
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.text import Truncator

from .admin_errors import ErrorSummaryMixin

# Fields that every save changes; listing them would hide what the other editor did.
BOOKKEEPING = {"version", "updated_at", "created_at", "sha256", "imported_at"}


def current_version(instance) -> int | None:
    """Lock `instance`'s row for the rest of the transaction and return its stored version
    (None when the row is gone).

    A model that names a `lock_with` foreign key (an announcement's commitment) has that row
    locked first: saving the row also writes its parent, and a page that edits the parent
    locks it before its rows, so taking the locks in the same order everywhere means two saves
    wait for each other instead of deadlocking."""
    if parent := getattr(type(instance), "lock_with", None):
        parent_field = instance._meta.get_field(parent)
        parent_pk = getattr(instance, parent_field.attname)
        if parent_pk is not None:
            parent_field.related_model._base_manager.select_for_update().filter(
                pk=parent_pk
            ).values_list("pk").first()
    field = instance._concurrencymeta.field
    return (
        type(instance)
        ._base_manager.select_for_update()
        .filter(pk=instance.pk)
        .values_list(field.attname, flat=True)
        .first()
    )


def _shown(value) -> str:
    if value in (None, ""):
        return "(empty)"
    return f"“{Truncator(str(value)).chars(80)}”"


def what_changed(instance, seen_version: int) -> str:
    """Who saved `instance` since version `seen_version`, when, and which fields they changed,
    in a sentence for the editor whose save was refused."""
    opts = instance._meta
    name = opts.verbose_name
    history = getattr(type(instance), "history", None)
    if history is None:
        return f"Another editor saved this {name} after you opened it."
    records = history.filter(id=instance.pk).order_by("-history_date", "-history_id")
    latest = records.first()
    seen = records.filter(version=seen_version).first()
    if latest is None or seen is None:
        return f"Another editor saved this {name} after you opened it."
    later = records.filter(history_date__gt=seen.history_date)
    who = sorted({str(r.history_user) for r in later if r.history_user_id} or {"another editor"})
    when = timezone.localtime(latest.history_date)
    delta = latest.diff_against(seen, excluded_fields=BOOKKEEPING & _history_fields(history))
    changes = []
    for change in delta.changes:
        label = opts.get_field(change.field).verbose_name
        old, new = change.old, change.new
        if change.field in {f.name for f in opts.fields if f.is_relation}:
            old, new = (
                _related(opts.get_field(change.field), old),
                _related(opts.get_field(change.field), new),
            )
        changes.append(f"{label}: {_shown(old)} → {_shown(new)}")
    told = (
        "They changed " + "; ".join(changes) + "."
        if changes
        else "They changed none of the fields above: their change was to the rows below it."
    )
    return (
        f"{', '.join(who)} saved this {name} at {when:%H:%M on %-d %B %Y}, after you opened "
        f"it. {told}"
    )


def _history_fields(history) -> set[str]:
    return {f.name for f in history.model._meta.fields}


def _related(field, pk):
    if pk is None:
        return None
    obj = field.related_model._base_manager.filter(pk=pk).first()
    return str(obj) if obj is not None else f"#{pk}"


class LockingConcurrentForm(ConcurrentForm):
    """A versioned ModelForm whose stale save is refused, race-free (see the module doc).

    A form in an inline that the editor did not change is not saved, so it is not checked: an
    edit by someone else to a row this editor left alone is no conflict."""

    conflict_message = (
        "Your changes to this {name} were not saved: {what} Your values are still in the form; "
        "open the {name} again in a new tab to see the current version, then save your "
        "changes on top of it."
    )

    def __init__(self, *args, in_formset: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.in_formset = in_formset  # set by LockingInlineFormSet

    def clean(self):
        # Skip ConcurrentForm.clean, which compares versions without a lock.
        cleaned = super(ConcurrentForm, self).clean()
        instance = self.instance
        if instance.pk is None or (self.in_formset and not self.has_changed()):
            return cleaned
        field = instance._concurrencymeta.field.name
        seen = cleaned.get(field)
        if seen is None:
            return cleaned
        stored = current_version(instance)
        if stored is None:
            raise ValidationError(
                f"This {instance._meta.verbose_name} was deleted by another editor after you "
                "opened it; your changes were not saved.",
                code="deleted",
            )
        if stored != seen:
            message = self.conflict_message.format(
                name=instance._meta.verbose_name, what=what_changed(instance, seen)
            )
            self.add_error(None, ValidationError(message, code="conflict"))
        return cleaned

    def has_conflict(self) -> bool:
        return any(e.code == "conflict" for e in self.errors.as_data().get(NON_FIELD_ERRORS, []))


class LockingInlineFormSet(BaseInlineFormSet):
    """An inline of LockingConcurrentForms: each form knows it is one row of many, so a row the
    editor left alone is not checked."""

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "in_formset": True}


class LockingInlineMixin:
    """Put first in an inline's bases: its rows are LockingConcurrentForms in a
    LockingInlineFormSet."""

    form = LockingConcurrentForm
    formset = LockingInlineFormSet


class ConflictSafeAdminMixin(ErrorSummaryMixin):
    """Put first in a ModelAdmin's bases, before concurrency's ConcurrentModelAdmin."""

    form = LockingConcurrentForm

    def save_model(self, request, obj, form, change):
        # concurrency's ConcurrencyListEditableMixin.save_model swallows RecordModifiedError
        # (its "silent" list_editable policy) even on the change form; never do that here.
        admin.ModelAdmin.save_model(self, request, obj, form, change)
