from django import forms

from .parsing import MAX_BYTES, Refused, decode


class SourceImportForm(forms.Form):
    """Step one of the admin import: a capture uploaded as a file or pasted as text."""

    file = forms.FileField(
        required=False,
        help_text="A .txt capture of the page (UTF-8), as saved by your browser or editor.",
    )
    text = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 16, "cols": 100}),
        help_text="Or paste the page's text. Put the page's URL on the first line.",
    )
    update = forms.BooleanField(
        required=False,
        label="Replace the stored text if this URL is already stored with a different text",
        help_text="The old text stays in the record's history; every citation of the source is "
        "checked again and any that no longer hold are listed.",
    )

    def clean(self):
        data = super().clean()
        upload, text = data.get("file"), data.get("text") or ""
        if upload and text.strip():
            raise forms.ValidationError("Upload a file or paste the text, not both.")
        if not upload and not text.strip():
            raise forms.ValidationError("Upload a file or paste the text of the page.")
        if upload:
            if upload.size > MAX_BYTES:
                raise forms.ValidationError(
                    f"The file is too large: over {MAX_BYTES // 2**20} MiB."
                )
            raw = upload.read(MAX_BYTES + 1)
            data["filename"] = upload.name
        else:
            raw = text
            data["filename"] = ""
        try:
            data["content"] = decode(raw)
        except Refused as refusal:
            raise forms.ValidationError(f"Refused: {refusal}.") from None
        return data


class SourceImportConfirmForm(forms.Form):
    """Step two: the text that was previewed, sent back to be saved."""

    content = forms.CharField(strip=False, widget=forms.HiddenInput)
    filename = forms.CharField(required=False, widget=forms.HiddenInput)
    sha256 = forms.CharField(widget=forms.HiddenInput)
    update = forms.BooleanField(required=False, widget=forms.HiddenInput)
