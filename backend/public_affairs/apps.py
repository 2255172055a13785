from django.apps import AppConfig


class PublicAffairsConfig(AppConfig):
    name = "backend.public_affairs"
    label = "public_affairs"
    verbose_name = "社区公共事务协会 (public-affairs associations)"
