"""Command-line options every command shares: the generic CLI's and the form packages' own commands."""
import typer

ConfigOpt = typer.Option(None, "--config", "-c", metavar="FILE", help="Configuration file (default: $SAFECONTEXT_CONFIG, "
                         "./safecontext.toml, your user config, else the built-in demo).")
def date_option(value):
    """A --from / --to option's value: dd/mm/yyyy or yyyy-mm-dd, as a date (typer callback)."""
    from addin.intake.values import parse_date

    if value is None:
        return None
    day, problem = parse_date(value)
    if problem:
        raise typer.BadParameter(problem[1])
    return day


DbOpt = typer.Option(None, "--db", metavar="URL", help="The store: a SQLite file or a SQLAlchemy URL such as "
                     "postgresql+psycopg://user@host/dbname (default: 'store' in the configuration).")


# --- how --help shows arguments and defaults --------------------------------------------------
# typer draws an argument as "PATH <list[Path]>" and "{PATH}..." in the usage line, a range as "x>=1",
# and wraps help inside words ("--further-" / "actions", "r" / "eport_templates") and brackets. People
# meet --help first: these show each argument by its name alone (PATH..., [FOLDER] when optional),
# ranges in words, and wrap only between words, keeping a trailing [default: …] whole.

import inspect  # noqa: E402
import re  # noqa: E402
import textwrap  # noqa: E402

from typer.core import TyperArgument, TyperCommand, TyperGroup  # noqa: E402

_RANGE = ((re.compile(r"\b(-?[\d.]+)<=x<=(-?[\d.]+)"), r"\1 to \2"), (re.compile(r"\bx>=(-?[\d.]+)"), r"at least \1"),
          (re.compile(r"\bx<=(-?[\d.]+)"), r"at most \1"))
_KEEP = "\u00a0"  # joins the words of a bracket while wrapping (textwrap does not break there)


def _bracket(m: re.Match) -> str:
    text = m.group(0)
    for pattern, words in _RANGE:
        text = pattern.sub(words, text)
    return text.replace(" ", _KEEP)


def _wrapped(text: str, width: int) -> str:
    """Help text wrapped between words only, as a block click prints as it is (a paragraph led by \\b)."""
    text = re.sub(r"\[[^\[\]]*\]$", _bracket, text)
    lines = textwrap.wrap(text, max(width, 10), break_long_words=False, break_on_hyphens=False)
    return "\b\n" + "\n".join(lines).replace(_KEEP, " ")


def _argument_name(p: TyperArgument, usage: bool) -> str:
    name = p.metavar or p.name.upper()
    if p.nargs != 1:
        name += "..."
    return f"[{name}]" if usage and not p.required else name


def _format_help_text(self, ctx, formatter):
    """The command's description, wrapped between words (a method of both classes below)."""
    text = inspect.cleandoc(self.help or "").partition("\f")[0]
    if text:
        formatter.write_paragraph()
        with formatter.indentation():
            width = formatter.width - formatter.current_indent
            formatter.write_text("\n\n".join(_wrapped(" ".join(par.split()), width) for par in text.split("\n\n")))


class PlainCommand(TyperCommand):
    format_help_text = _format_help_text

    def collect_usage_pieces(self, ctx):
        return ([self.options_metavar] if self.options_metavar else []) + [
            _argument_name(p, usage=True) for p in self.get_params(ctx) if isinstance(p, TyperArgument)]

    def format_options(self, ctx, formatter):
        sections = {"Arguments": [], "Options": []}
        for p in self.get_params(ctx):
            record = p.get_help_record(ctx)
            if record is not None:
                arg = isinstance(p, TyperArgument)
                sections["Arguments" if arg else "Options"].append(
                    (_argument_name(p, usage=False) if arg else record[0], record[1]))
        for title, rows in sections.items():
            if rows:
                first_col = min(max(len(first) for first, _ in rows), 30) + 2  # as click's write_dl lays it out
                with formatter.section(title):
                    formatter.write_dl([(first, _wrapped(help, formatter.width - first_col - 2) if help else "")
                                        for first, help in rows])


class PlainGroup(TyperGroup):
    """The top-level group: every command and group under it shows its help as above (typer builds the
    tree bottom-up, so one group class at the top reaches the form packages' commands too)."""

    format_help_text = _format_help_text

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        _plain(self)

    def format_commands(self, ctx, formatter):
        """Each command with its first sentence whole, wrapped (click cuts it to one line with "...")."""
        rows = [(name, c.get_short_help_str(limit=300)) for name in self.list_commands(ctx)
                if (c := self.get_command(ctx, name)) is not None and not c.hidden]
        if rows:
            first_col = min(max(len(name) for name, _ in rows), 30) + 2
            with formatter.section("Commands"):
                formatter.write_dl([(name, _wrapped(help, formatter.width - first_col - 2)) for name, help in rows])


def _plain(group: TyperGroup) -> None:
    for command in group.commands.values():
        if type(command) is TyperCommand:
            command.__class__ = PlainCommand
        elif type(command) is TyperGroup:
            command.__class__ = PlainGroup
            _plain(command)
