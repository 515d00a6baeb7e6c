"""/<admin>/two-factor/: staff set up sign-in with an authenticator app, and get recovery
codes. Signed-in staff only (a Reviewer who must use two-factor lands here after the password,
before any other admin page opens)."""

import base64

import django_otp
import qrcode
import qrcode.image.svg
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django_otp.plugins.otp_totp.models import TOTPDevice

from .forms import ConfirmDeviceForm
from .policy import new_recovery_codes, second_factor_required

APP_DEVICE = "Authenticator app"


def _qr_svg(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


@never_cache
@csrf_protect
def two_factor(request):
    user = request.user
    if not (user.is_active and user.is_staff):
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    context = {
        **admin.site.each_context(request),
        "title": "Two-factor sign-in",
        "required": second_factor_required(user),
    }
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if confirmed is not None:
        codes = None
        if request.method == "POST" and request.POST.get("action") == "recovery":
            if getattr(user, "otp_device", None) is None:  # signed in without a code
                return redirect_to_login(request.get_full_path(), reverse("admin:login"))
            codes = new_recovery_codes(user)
        return render(request, "accounts/two_factor.html", {**context, "on": True, "codes": codes})
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE, confirmed=False)
    form = ConfirmDeviceForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = new_recovery_codes(user)
        django_otp.login(request, device)  # this session is now verified
        context = {**context, **admin.site.each_context(request)}  # verified: the admin opens
        return render(request, "accounts/two_factor.html", {**context, "on": True, "codes": codes})
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/two_factor.html",
        {
            **context,
            "on": False,
            "form": form,
            "qr": mark_safe(_qr_svg(device.config_url)),  # noqa: S308 (SVG made by qrcode)
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        },
    )
