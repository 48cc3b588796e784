"""The JSON API (django-ninja) at /api/v1/, its docs' files, and the token page."""

from django.urls import path

from pairaid.api import views
from pairaid.api.api import api

urlpatterns = [
    path("v1/", api.urls),
    path("docs-assets/<str:name>", views.docs_asset, name="api_docs_asset"),
    path("tokens/", views.tokens, name="api_tokens"),
    path("tokens/<int:token_id>/revoke/", views.revoke, name="api_token_revoke"),
]
