from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("bulletin/", include("pairaid.bulletin.urls")),
    path("exchange/", include("pairaid.exchange.urls")),
    path("reports/", include("pairaid.reports.urls")),
    path("api/", include("pairaid.api.urls")),
    path("", include("pairaid.web.urls")),
]

# An address with a parameter that cannot be read (e.g. ?as_of=2022-13-45) says what is wrong.
handler400 = "pairaid.web.views.common.bad_request"
