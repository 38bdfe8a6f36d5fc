"""Pipewright's local AWS emulator: moto's server plus the services and behaviour Pipewright needs.

Start it with `tests/emulator/run.sh` (or `python -m pipewright_emulator`); see README.md.
"""

__all__ = ["build_app"]


def build_app():  # pragma: no cover - thin re-export
    from .server import build_app as _build_app

    return _build_app()
