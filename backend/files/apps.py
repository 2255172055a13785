from django.apps import AppConfig


class FilesConfig(AppConfig):
    name = "backend.files"
    label = "files"
    verbose_name = "文件 (stored files and download links)"
