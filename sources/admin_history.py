"""A record's history as an editor reads it: what changed, by whom, why; not the version
counter and timestamps every save moves, and no entry for a save that changed nothing."""

from .conflicts import BOOKKEEPING


class TidyHistoryMixin:
    """For a SimpleHistoryAdmin: put before it in the bases."""

    def save_model(self, request, obj, form, change):
        if change and not form.has_changed():
            return  # nothing to save: no new version, no history entry
        super().save_model(request, obj, form, change)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        previous = None
        for current in historical_records:
            if previous is not None:
                names = {field.name for field in previous.instance_type._meta.fields}
                delta = previous.diff_against(
                    current,
                    excluded_fields=sorted(BOOKKEEPING & names),
                    foreign_keys_are_objs=foreign_keys_are_objs,
                )
                helper = self.get_historical_record_context_helper(request, previous)
                previous.history_delta_changes = helper.context_for_delta_changes(delta)
            previous = current
