"""First-start set-up that needs CKAN loaded: the sysadmin, its API token, the DataStore permissions SQL.

Why one script: each `ckan` CLI command loads the whole CKAN app (~3-4 s on these machines); doing the
four one-time steps in one load makes a cold `portal/stack up` ~15 s faster. Run by portal/stack with
the portal venv's python:

    bootstrap.py <ckan.ini> <secrets dir> <admin user name>

Reads the admin password from <secrets dir>/admin-password (never from argv, which `ps` shows), writes
the token to <secrets dir>/api-token with mode 0600, and prints the DataStore permissions SQL on stdout
for the stack script to pipe into psql as the superuser.
"""

import os
import sys
from pathlib import Path


def write_private(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text + "\n")
    os.replace(tmp, path)


def main(ini: str, secrets: Path, username: str) -> None:
    from ckan.cli import CKANConfigLoader
    from ckan.config.middleware import make_app

    app = make_app(CKANConfigLoader(ini).get_config())

    from ckan import model
    from ckan.plugins import toolkit
    from ckanext.datastore.cli import permissions_sql

    with app._wsgi_app.test_request_context():
        site_user = toolkit.get_action("get_site_user")({"ignore_auth": True}, {})["name"]

        def context():
            return {"ignore_auth": True, "user": site_user}

        if model.User.by_name(username) is None:
            password = (secrets / "admin-password").read_text().strip()
            toolkit.get_action("user_create")(
                context(), {"name": username, "email": f"{username}@oppnadata-kalmar.invalid", "password": password}
            )
        user = model.User.by_name(username)
        user.sysadmin = True
        model.repo.commit()
        token = toolkit.get_action("api_token_create")(context(), {"user": username, "name": "portal-stack"})["token"]
        write_private(secrets / "api-token", token)

        from sqlalchemy.engine import make_url

        main_url = make_url(toolkit.config["sqlalchemy.url"])
        write_url = make_url(toolkit.config["ckan.datastore.write_url"])
        read_url = make_url(toolkit.config["ckan.datastore.read_url"])
        print(permissions_sql(maindb=main_url.database, datastoredb=write_url.database,
                              mainuser=main_url.username, writeuser=write_url.username, readuser=read_url.username))


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(sys.argv[1], Path(sys.argv[2]), sys.argv[3])
