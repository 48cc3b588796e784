from django.urls import path

from pairaid.exchange import views

app_name = "exchange"
urlpatterns = [
    path("", views.index, name="index"),
    path("upload/", views.upload, name="upload"),
    path("batches/<int:pk>/", views.batch_detail, name="batch"),
    path("batches/<int:pk>/progress/", views.batch_progress, name="progress"),
    path("batches/<int:pk>/import/", views.batch_import, name="import"),
    path("batches/<int:pk>/rollback/", views.batch_rollback, name="rollback"),
    path("batches/<int:pk>/rejected/", views.batch_rejected, name="rejected"),
    path("batches/<int:pk>/resume/", views.batch_resume, name="resume"),
    path("batches/<int:pk>/discard/", views.batch_discard, name="discard"),
    path("templates/<str:kind>/", views.template_download, name="template"),
    path("export/<str:kind>/", views.export, name="export"),
]
