from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("", include("supportdesk.portal.urls")),
    path("kb/", include("supportdesk.kb.urls")),
    path("search/", include("supportdesk.search.urls")),
    path("releases/", include("supportdesk.releases.urls")),
    path("agent/", include("supportdesk.tickets.urls")),
    path("agent/", include("supportdesk.replies.urls")),
    path("agent/", include("supportdesk.presence.urls")),
    path("agent/", include("supportdesk.notifications.urls")),
    path("agent/phone/", include("supportdesk.phone.urls")),
    path("agent/mail/", include("supportdesk.mail.urls")),
    path("agent/audit/", include("supportdesk.audit.urls")),
    path("agent/companies/", include("supportdesk.companies.urls")),
    path("agent/privacy/", include("supportdesk.privacy.urls")),
    path("agent/reports/", include("supportdesk.reports.urls")),
    path("agent/webhooks/", include("supportdesk.webhooks.urls")),
    path("agent/api-tokens/", include("supportdesk.api.admin_urls")),
    path("api/v1/", include("supportdesk.api.urls")),
    path("cti/", include("supportdesk.phone.cti_urls")),
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("", include("supportdesk.accounts.urls")),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
]
