"""Text fields that store printable text only, whatever path writes them.

`PlainTextField` and `PlainCharField` normalise line breaks (see `sources.text`) and refuse any
other control character: in forms and `full_clean()` with a field error (a validator), and again
when the value is written to the database (`save()`, `update()`, `bulk_create()`), so the
importer, the loader, the shell and every admin form are held to the same rule. A single-line
field turns line breaks into spaces.
"""

from django.core.exceptions import ValidationError
from django.db import models

from .text import normalise_line_breaks, unprintable


def validate_printable(value) -> None:
    if isinstance(value, str) and (where := unprintable(value)):
        raise ValidationError(
            f"Contains a control character that cannot be shown ({where}). Remove it; it "
            "often comes from text pasted from a word processor.",
            code="unprintable",
        )


class _PlainText:
    single_line = False
    default_validators = [validate_printable]

    def _normalised(self, value):
        if isinstance(value, str):
            return normalise_line_breaks(value, single_line=self.single_line)
        return value

    def to_python(self, value):
        return self._normalised(super().to_python(value))

    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        normalised = self._normalised(value)
        if normalised != value:
            setattr(model_instance, self.attname, normalised)
        return normalised

    def get_db_prep_save(self, value, connection):
        value = self._normalised(value)
        try:
            validate_printable(value)
        except ValidationError as error:
            raise ValidationError({self.name: error.messages}) from None
        return super().get_db_prep_save(value, connection)


class PlainTextField(_PlainText, models.TextField):
    """A TextField of printable text: line breaks normalised, other control characters refused."""


class PlainCharField(_PlainText, models.CharField):
    """A CharField of printable text on one line: line breaks become spaces."""

    single_line = True
