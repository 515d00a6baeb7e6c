from django.conf import settings
from django.core.checks import Warning, register


@register(deploy=True)
def admin_url_is_not_the_default(app_configs, **kwargs):
    """The admin at /admin/ is the first place every scanner tries."""
    if settings.ADMIN_URL.strip("/") == "admin":
        return [
            Warning(
                "The admin is at the default /admin/.",
                hint="Set ADMIN_URL to a path of your own (e.g. a few random words/).",
                id="accounts.W001",
            )
        ]
    return []
