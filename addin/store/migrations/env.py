"""Alembic's environment for the store: migrations run on the connection SafeContext hands over.

addin.store.migrate puts an open connection, inside the store's write transaction, in
`config.attributes["connection"]`, so a whole upgrade (and its version stamp) commits or rolls
back as one. For developers, `alembic` run from the command line with `sqlalchemy.url` set
(e.g. `alembic -x url=sqlite:///dev.sqlite ...` with script_location = addin.store:migrations)
connects by itself.
"""
from alembic import context

from addin.store.schema import store_metadata

config = context.config
target_metadata = store_metadata()  # what `alembic revision --autogenerate` compares with


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, compare_type=True,
                      render_as_batch=True)  # SQLite alters a table by copying it: batch mode
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    from addin.store.db import connect

    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    engine = connect(url)
    try:
        with engine.begin() as conn:
            _run(conn)
    finally:
        engine.dispose()
