from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "accord.live"
    label = "live"
