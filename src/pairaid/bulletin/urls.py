from django.urls import path

app_name = "bulletin"
urlpatterns: list = []
