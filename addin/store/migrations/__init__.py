"""The store's Alembic migrations: env.py, script.py.mako and one file per revision in versions/.

Revision 0001 is the schema SafeContext 0.1.0 made (before migrations); every later schema
change is a new revision, and tests/test_migrations.py checks that the latest one makes exactly
the tables the form declaration says (addin.store.schema.build_tables).
"""
