from django.urls import path

from pairaid.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("download/", views.download, name="download"),
    path("briefings/freeze/", views.freeze, name="freeze"),
    path("briefings/<int:pk>/", views.compare, name="compare"),
]
