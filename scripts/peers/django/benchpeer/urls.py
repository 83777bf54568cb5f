from django.urls import include, path

# phone_verify.urls: a DRF router (no trailing slash) with
#   POST /api/phone/register   and   POST /api/phone/verify
urlpatterns = [path("api/", include("phone_verify.urls"))]
