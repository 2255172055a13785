from django.core.management.base import BaseCommand

from backend.api.exported import exported_schemas


class Command(BaseCommand):
    help = "Write schema.graphql (district API) and municipal.graphql (platform API)."

    def handle(self, *args, **options):
        for path, sdl in exported_schemas().items():
            path.write_text(sdl, encoding="utf-8")
            self.stdout.write(f"wrote {path.name} ({sdl.count(chr(10))} lines)")
