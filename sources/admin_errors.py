"""Every error of an admin page, listed first (GOV.UK's error summary pattern): each message
with the label of its field and a link to it, so nothing is missed further down the page."""


def error_items(titled_forms, extra=()) -> list[dict]:
    """`titled_forms`: (title, form) pairs, the title prefixed to each field's label (e.g.
    "Announcement 3: "). `extra`: (label, message, anchor) triples for errors of no field."""
    items = []
    for title, form in titled_forms:
        for name, errors in form.errors.items():
            field = form[name] if name in form.fields else None
            label = title + (str(field.label) if field is not None else "This form").strip()
            anchor = field.auto_id if field is not None else "content-main"
            items.extend({"label": label, "message": error, "anchor": anchor} for error in errors)
    items.extend(
        {"label": label, "message": message, "anchor": anchor} for label, message, anchor in extra
    )
    return items


class ErrorSummaryMixin:
    """Puts `error_summary` in a change form's context: the form's errors, then each inline's
    (shown first by admin/record_change_form.html, which a model's own template extends)."""

    change_form_template = "admin/record_change_form.html"

    def render_change_form(self, request, context, *args, **kwargs):
        adminform = context.get("adminform")
        context["error_summary"] = []
        if adminform is not None and adminform.form.is_bound:
            titled = [("", adminform.form)]
            extra = []
            for inline in context.get("inline_admin_formsets", []):
                name = str(inline.opts.verbose_name).capitalize()
                formset = inline.formset
                titled += [(f"{name} {n}: ", form) for n, form in enumerate(formset.forms, 1)]
                extra += [
                    (name, error, f"{formset.prefix}-group") for error in formset.non_form_errors()
                ]
            context["error_summary"] = error_items(titled, extra)
        return super().render_change_form(request, context, *args, **kwargs)
