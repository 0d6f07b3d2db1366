from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: the ``accord`` subcommands that run and fill an installation (serve, demo,
    seed-scale). The top of the dependency order, beside ``accord.urls`` and the settings."""

    name = "accord.ops"
    label = "ops"
