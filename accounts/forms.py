import re

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django_otp import user_has_device
from django_otp.forms import OTPAuthenticationFormMixin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice


class LoginForm(OTPAuthenticationFormMixin, AdminAuthenticationForm):
    """The admin's login: password, then, for anyone who has set up two-factor, a code from
    their authenticator app or one of their recovery codes (in the same form, one step)."""

    otp_token = forms.CharField(
        label="Code",
        required=False,
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text="The 6 digits your authenticator app shows, or a recovery code. "
        "Leave it empty if you have not set up two-factor sign-in.",
    )
    otp_error_messages = {
        **OTPAuthenticationFormMixin.otp_error_messages,
        "token_required": "Enter the code from your authenticator app, or a recovery code.",
        "invalid_token": "That code is not valid (codes change every 30 seconds; a recovery "
        "code works once). Try again.",
    }

    def _chosen_device(self, user):
        """The device the code belongs to, told by its shape (django-otp wants one chosen, so
        that a code tried on every device does not throttle the others): six digits come from
        the app, anything else is a recovery code."""
        token = (self.cleaned_data.get("otp_token") or "").strip()
        devices = TOTPDevice if re.fullmatch(r"\d{6}", token) else StaticDevice
        return devices.objects.filter(user=user, confirmed=True).first()

    def _update_form(self, user):
        """django-otp would render the password back into the page; the form asks again."""

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        if user is not None and user_has_device(user):
            self.clean_otp(user)
        return cleaned


class ConfirmDeviceForm(forms.Form):
    token = forms.CharField(
        label="Code from the app",
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_token(self):
        token = self.cleaned_data["token"].strip().replace(" ", "")
        allowed, why = self.device.verify_is_allowed()
        if not allowed:  # django-otp's throttle: each wrong code doubles the wait
            raise forms.ValidationError(
                "Too many wrong codes in a row: wait a few seconds, then enter the code the "
                f"app shows then ({why.get('failure_count', 'several')} wrong so far)."
            )
        if not self.device.verify_token(token):
            raise forms.ValidationError(
                "That code does not match. Check the time on your phone is right and enter "
                "the code the app shows now."
            )
        return token
