from django.core.management.base import BaseCommand, CommandError

from core.audit import verify_chain


class Command(BaseCommand):
    help = "Verify the whole audit trail's hash chain; name the first broken entry and exit non-zero if any."

    def handle(self, *args, **options):
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"Audit trail broken at event id={report.broken_id}: {report.problem}. "
                f"{report.checked - 1} event(s) before it are intact."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit trail intact: {report.checked} event(s) verified."))
