from django.http import HttpRequest

from supportdesk.accounts.roles import is_agent, is_supervisor


def roles(request: HttpRequest) -> dict[str, bool]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"is_agent": False, "is_supervisor": False}
    return {"is_agent": is_agent(user), "is_supervisor": is_supervisor(user)}
