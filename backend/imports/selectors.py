from django.db.models import Q
from django.utils import timezone

from backend.files.models import StoredFile


def live_file(file_id: int) -> StoredFile | None:
    """A stored file that has not expired."""
    now = timezone.now()
    return (
        StoredFile.objects.filter(pk=file_id)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .first()
    )
