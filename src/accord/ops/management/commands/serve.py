import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Accord with gunicorn (static files through WhiteNoise)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--bind", default=settings.ACCORD_SERVE_BIND, help="host:port")
        parser.add_argument("--workers", type=int, default=settings.ACCORD_SERVE_WORKERS)
        parser.add_argument("--threads", type=int, default=settings.ACCORD_SERVE_THREADS)
        parser.add_argument(
            "--no-worker",
            dest="embedded_worker",
            action="store_false",
            default=settings.ACCORD_EMBEDDED_WORKER,
            help="do not run the notification worker beside the web server",
        )

    def handle(
        self, *args, bind: str, workers: int, threads: int, embedded_worker: bool, **options
    ) -> None:
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
                if settings.ACCORD_SERVE_ACCESS_LOG:
                    self.cfg.set("accesslog", "-")
                self.cfg.set("graceful_timeout", 20)
                if embedded_worker:
                    self.cfg.set("on_starting", start_worker)
                    self.cfg.set("on_exit", stop_worker)

            def load(self):
                return application

        worker: list[subprocess.Popen] = []

        def start_worker(_arbiter) -> None:
            # Embedded mode: one `accord worker` process lives and dies with the server.
            worker.append(subprocess.Popen([sys.executable, "-m", "accord", "worker"]))

        def stop_worker(_arbiter) -> None:
            for process in worker:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()

        self.stdout.write(
            f"Accord on http://{bind}/ ({workers} workers × {threads} threads"
            + (", notification worker" if embedded_worker else "")
            + ")"
        )
        Server().run()
