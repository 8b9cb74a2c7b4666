"""WSGI entry point for CKAN under gunicorn.

The CKAN 2.12 wheel ships no wsgi.py, so the stack script serves this one: it loads the
ini file named by CKAN_INI (rendered by `portal/stack up`) and builds CKAN's Flask app.
"""

import os

from ckan.cli import CKANConfigLoader
from ckan.config.middleware import make_app

application = make_app(CKANConfigLoader(os.environ["CKAN_INI"]).get_config())
