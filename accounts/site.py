"""The admin site: two-factor sign-in (django-otp) for those who must use it, and the page where
staff set it up."""

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import path, reverse

from . import views
from .forms import LoginForm
from .policy import needs_second_factor


class TrackerAdminSite(admin.AdminSite):
    site_header = "Grooming-gangs commitments tracker: editors"
    site_title = "Tracker admin"
    index_title = "Edit the record"
    login_form = LoginForm
    login_template = "accounts/login.html"

    def has_permission(self, request):
        return super().has_permission(request) and not needs_second_factor(request.user)

    def login(self, request, extra_context=None):
        """After the password, someone who must use two-factor and has not set it up goes
        straight to setting it up; nothing else of the admin opens to them before."""
        response = super().login(request, extra_context)
        if request.user.is_authenticated and needs_second_factor(request.user):
            return redirect("admin:two_factor")
        return response

    def get_urls(self):
        return [
            path("two-factor/", views.two_factor, name="two_factor"),
            *super().get_urls(),
        ]

    def each_context(self, request):
        context = super().each_context(request)
        context["two_factor_url"] = reverse("admin:two_factor", current_app=self.name)
        return context
