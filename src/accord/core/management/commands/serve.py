from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Accord with gunicorn (static files through WhiteNoise)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--bind", default=settings.ACCORD_SERVE_BIND, help="host:port")
        parser.add_argument("--workers", type=int, default=settings.ACCORD_SERVE_WORKERS)
        parser.add_argument("--threads", type=int, default=settings.ACCORD_SERVE_THREADS)

    def handle(self, *args, bind: str, workers: int, threads: int, **options) -> None:
        from gunicorn.app.base import BaseApplication

        # Collect first: WhiteNoise indexes STATIC_ROOT when the application is built.
        call_command("collectstatic", interactive=False, verbosity=0)
        from accord.wsgi import application

        class Server(BaseApplication):
            def load_config(self) -> None:
                self.cfg.set("bind", bind)
                self.cfg.set("workers", workers)
                self.cfg.set("threads", threads)
                self.cfg.set("worker_class", "gthread" if threads > 1 else "sync")
                self.cfg.set("accesslog", "-")
                self.cfg.set("graceful_timeout", 20)

            def load(self):
                return application

        self.stdout.write(f"Accord on http://{bind}/ ({workers} workers × {threads} threads)")
        Server().run()
