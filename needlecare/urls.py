from django.urls import include, path

from needlecare.api import api
from needlecare.web.admin_site import admin_site

urlpatterns = [
    path("admin/", admin_site.urls),
    path("api/", api.urls),
    path("fhir/R4/", include("needlecare.interop.fhir.urls")),
    path("", include("needlecare.web.urls")),
]

handler404 = "needlecare.web.views.errors.not_found"
handler500 = "needlecare.web.views.errors.server_error"
