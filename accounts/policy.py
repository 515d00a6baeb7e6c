"""Who must use a second factor, and the recovery codes that stand in for the app."""

from django.conf import settings
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

REVIEWERS = "Reviewers"  # the group that publishes drafts (desk.migrations.0002_roles)
RECOVERY_DEVICE = "Recovery codes"
RECOVERY_CODES = 10


def second_factor_required(user) -> bool:
    """In production (TWO_FACTOR_REQUIRED), superusers and Reviewers sign in with a code from
    an authenticator app (or a recovery code); other staff may."""
    if not settings.TWO_FACTOR_REQUIRED or not user.is_authenticated:
        return False
    return user.is_superuser or user.groups.filter(name=REVIEWERS).exists()


def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODES new ones, each usable once."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def needs_second_factor(user) -> bool:
    """Signed in with a password only, by staff who must also give a code."""
    return (
        user.is_active
        and user.is_staff
        and getattr(user, "otp_device", None) is None  # verified: django-otp sets it
        and second_factor_required(user)
    )
