"""The record-a-development form: the event, and the quotes it rests on, in one page."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.db import models

from commitments.models import Announcement, Citation, Commitment
from sources.models import SourceDocument
from sources.text import nearest_passage

from .models import ANNOUNCEMENT_FIELDS, CHANGEABLE, ChangeType


class DevelopmentForm(forms.ModelForm):
    """The announcement: checked by the model's own rules (constraints included)."""

    class Meta:
        model = Announcement
        fields = ["commitment", *ANNOUNCEMENT_FIELDS]
        labels = {
            "date": "Date of the event",
            "kind": "What happened",
            "new_status": "Status from this date",
            "new_deadline": "Deadline from this date",
            "deadline_wording": "The deadline in the source's words",
            "new_firmness": "How firmly the government commits, from this date",
            "claimed_status": "What the government claims (if it differs from your verdict)",
            "summary": "Summary for the timeline",
            "note": "Caveat shown with the event",
        }
        widgets = {
            "commitment": AutocompleteSelect(
                Announcement._meta.get_field("commitment"), admin.site
            ),
            "date": forms.DateInput(attrs={"type": "date"}),
            "new_deadline": forms.DateInput(attrs={"type": "date"}),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commitment"].queryset = Commitment.objects.order_by("title")
        for name, blank in (("new_status", "No change"), ("new_firmness", "Not stated"),
                            ("claimed_status", "No claim")):  # fmt: skip
            self.fields[name].choices = [("", blank)] + [
                choice for choice in self.fields[name].choices if choice[0]
            ]


class QuoteForm(forms.Form):
    """One passage of a stored source that the event rests on."""

    source = forms.ModelChoiceField(
        queryset=SourceDocument.objects.all(),
        widget=AutocompleteSelect(Citation._meta.get_field("source"), admin.site),
        help_text="Search by title, UIN or address. Import a new document first "
        "(Sources › Import from a capture).",
    )
    quote = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "class": "quote-input"}),
        strip=True,
        help_text="Select the words in the source's text shown beside the form and press "
        "“Use the selected words”, or paste them. Only whitespace, curly quotes and dashes may "
        "differ from the stored text.",
    )
    supports = forms.ChoiceField(
        label="It supports",
        choices=[("event", "the event"), ("pledge", "the pledge itself (the government's words)")],
        initial="event",
        help_text="A commitment is public only once its pledge is cited: cite the pledge the "
        "first time you record one.",
    )
    locator = forms.CharField(
        required=False,
        max_length=Citation._meta.get_field("locator").max_length,
        help_text="Where in the source, if it helps: a paragraph, a column, a page.",
    )

    nearest = None  # the source's closest passage when the quote is not in it

    def clean(self):
        data = super().clean()
        source, quote = data.get("source"), data.get("quote")
        if source and quote and not source.contains_quote(quote):
            self.nearest = nearest_passage(source.text, quote)
            self.add_error(
                "quote",
                "These words are not in the stored text of this source."
                + (
                    " The closest passage is shown below, with the words that differ marked."
                    if self.nearest
                    else " Nothing in it resembles them: is this the right source?"
                ),
            )
        return data


class BaseQuoteFormSet(forms.BaseFormSet):
    default_error_messages = {
        "too_few_forms": "Cite at least one passage: an event without a quote changes "
        "nothing public.",
        "too_many_forms": "Cite at most %(num)d passages here; add more afterwards.",
    }


QuoteFormSet = forms.formset_factory(
    QuoteForm,
    formset=BaseQuoteFormSet,
    extra=1,
    min_num=1,
    validate_min=True,
    max_num=6,
    validate_max=True,
)


class ProposalForm(forms.Form):
    """Why a published record changes, and whether it was wrong."""

    change_type = forms.ChoiceField(
        label="This is",
        choices=ChangeType.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Why",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For the reviewer, and, for a correction, for the public corrections page: "
        "what was wrong and what shows it (e.g. “The date was the debate's, not the "
        "answer's: the answer is dated 9 January 2026.”).",
    )


def change_form_class(model):
    """A form for the fields of `model` a change draft may change, related rows searched."""
    names = CHANGEABLE[model._meta.model_name]
    widgets = {
        name: AutocompleteSelect(model._meta.get_field(name), admin.site)
        for name in names
        if model._meta.get_field(name).is_relation
    }
    for name in names:
        if isinstance(model._meta.get_field(name), models.DateField):
            widgets[name] = forms.DateInput(attrs={"type": "date"})
    return forms.modelform_factory(model, fields=names, widgets=widgets)
