from django.http import HttpRequest

from supportdesk.policy import get_policy


def policy(request: HttpRequest) -> dict:
    return {"policy": get_policy()}
