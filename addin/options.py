"""Command-line options every command shares: the generic CLI's and the form packages' own commands."""
import typer

ConfigOpt = typer.Option(None, "--config", "-c", metavar="FILE", help="Configuration file (default: $SAFECONTEXT_CONFIG, "
                         "./safecontext.toml, your user config, else the built-in demo).")
DbOpt = typer.Option(None, "--db", metavar="URL", help="The store: a SQLite file or a SQLAlchemy URL such as "
                     "postgresql+psycopg://user@host/dbname (default: 'store' in the configuration).")
