from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from supportdesk.accounts.roles import is_agent
from supportdesk.notifications.selectors import COUNT_LIMIT, unread_count


def bell(request: HttpRequest) -> dict[str, object]:
    """The unread count in the top bar of agents' pages; counted only if a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not is_agent(user):
        return {}
    return {"bell_count": SimpleLazyObject(lambda: unread_count(user=user)), "count_limit": COUNT_LIMIT}
