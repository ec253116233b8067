"""In-app notifications: what a member of staff must see, e.g. a serious adverse event."""

from django.http import Http404
from django.utils import timezone

from needlecare.accounts.models import User
from needlecare.charting.models import Notification


def notification_mark_read(*, user: User, notification_id: int) -> Notification:
    """Mark one of the user's own notifications read (anyone else's is not found)."""
    notification = Notification.objects.filter(pk=notification_id, user=user).first()
    if notification is None:
        raise Http404("No such notification.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
