from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class PolicyConfig(AppConfig):
    name = "supportdesk.policy"
    label = "policy"

    def ready(self) -> None:
        # A wrong policy file must stop start-up, not surface on the first request.
        from supportdesk.policy import PolicyError, get_policy

        try:
            get_policy()
        except PolicyError as exc:
            raise ImproperlyConfigured(str(exc)) from exc
        from supportdesk.policy import public_url  # noqa: F401 - registers its system check
