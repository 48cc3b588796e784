from django.urls import path

from pairaid.bulletin import views

app_name = "bulletin"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.document, name="document"),
]
