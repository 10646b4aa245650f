import os

from django.core.wsgi import get_wsgi_application

from supportdesk.lib.env import data_dir
from supportdesk.lib.secret_key import secret_key_ensure

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportdesk.settings")
# Starting the web application is a first start: the key file is generated if there is no key.
secret_key_ensure(data_dir=data_dir())
application = get_wsgi_application()

from supportdesk.policy.public_url import public_url_require  # noqa: E402 - needs the apps loaded

public_url_require()
