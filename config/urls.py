from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from meldpunt.backoffice.outbox_views import dev_outbox_detail, dev_outbox_list
from meldpunt.common.views import bench_floor, healthz
from meldpunt.organization.views import theme_css

urlpatterns = [
    path("", include("meldpunt.portal.urls")),
    path("backoffice/", include("meldpunt.backoffice.urls")),
    path("accounts/", include("allauth.urls")),
    path("notifications/", include("meldpunt.notifications.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("healthz", healthz, name="healthz"),
    # Benchmarks only: 404 unless MELDPUNT_BENCH_FLOOR is on.
    path("bench/floor", bench_floor, name="bench_floor"),
    path("theme.css", theme_css, name="theme_css"),
    path("django-admin/", admin.site.urls),
    # Development only: the views answer 404 unless DEBUG is on.
    path("dev/outbox/", dev_outbox_list, name="dev_outbox"),
    path("dev/outbox/<slug:public_id>/", dev_outbox_detail, name="dev_outbox_detail"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
