from django.contrib import admin
from django.urls import include, path

from joinedup.api import api

urlpatterns = [
    path("", include("joinedup.core.urls")),
    path("accounts/", include("joinedup.accounts.urls")),
    path("directory/", include("joinedup.directory.urls")),
    path("people/", include("joinedup.people.urls")),
    path("portal/", include("joinedup.people.portal_urls")),
    path("governance/", include("joinedup.access.urls")),
    path("referrals/", include("joinedup.referrals.urls")),
    path("meetings/", include("joinedup.meetings.urls")),
    path("", include("joinedup.careplans.urls")),  # /care-plans/ and /portal/care-plan/
    path("self-referral/", include("joinedup.referrals.public_urls")),
    path("inbox/", include("joinedup.notifications.urls")),
    path("", include("joinedup.outcomes.urls")),  # /outcomes/ and /portal/outcomes/
    path("", include("joinedup.activity.urls")),  # /activity/ and /portal/activity/
    path("fhir/", include("joinedup.referrals.fhir_urls")),
    path("api/v1/", api.urls),
    path("api/oruk/", include("joinedup.directory.oruk_urls")),
    path("admin/", admin.site.urls),
]

handler400 = "joinedup.core.views.error_400"
handler403 = "joinedup.core.views.error_403"
handler404 = "joinedup.core.views.error_404"
handler500 = "joinedup.core.views.error_500"
