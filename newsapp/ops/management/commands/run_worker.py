from __future__ import annotations

import signal

from django.core.management.base import BaseCommand

from newsapp.ops.worker import Supervisor, say, worker_command


class Command(BaseCommand):
    help = (
        "Run the background task worker (the database's or RQ's, as configured), restart it"
        " whenever it stops, and resend jobs that wait too long or lost their worker."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--recover-every",
            type=float,
            default=5.0,
            help="Seconds between looks for jobs to send again (default 5).",
        )

    def handle(self, *args, recover_every: float, **options):
        supervisor = Supervisor(worker_command(), recover_every=recover_every)
        signal.signal(signal.SIGTERM, supervisor.stop)
        signal.signal(signal.SIGINT, supervisor.stop)
        say(f"starting: {' '.join(supervisor.command[1:])}")
        supervisor.run()
