"""Top-level URLs: each app mounts its own."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

urlpatterns = [
    path("", include("parindex.web.urls")),
    path("tai-khoan/", include("parindex.accounts.urls")),
    path("don-vi/", include("parindex.units.urls")),
    path("dot-danh-gia/", include("parindex.campaigns.urls")),
    path("tai-lieu/", include("parindex.evidence.urls")),
    path("bo-tieu-chi/", include("parindex.frameworks.urls")),
    path("tu-danh-gia/", include("parindex.assessments.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
]
