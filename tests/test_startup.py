"""Start-up stays cheap: the package and the command line import no heavy library until a
command needs it (timings are for bench/speed_bench.py; this checks what is imported)."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("polars", "jinja2", "rapidfuzz", "numpy", "dask", "distributed", "pint", "durable", "pycountry")


def _imported_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(__import__('json').dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return {name.split(".")[0] for name in json.loads(out)}


def test_importing_the_package_and_the_cli_loads_no_heavy_library() -> None:
    bare = _imported_after("import sanctionsengine")
    assert not bare & {*HEAVY, "pydantic", "yaml", "click"}, sorted(bare & {*HEAVY, "pydantic", "yaml", "click"})
    cli = _imported_after("import sanctionsengine.cli")
    assert not cli & set(HEAVY), sorted(cli & set(HEAVY))


def test_the_public_names_are_still_there_when_asked_for() -> None:
    import sanctionsengine

    assert sanctionsengine.__version__ and callable(sanctionsengine.evaluate)
    assert sanctionsengine.InputError.__module__ == "sanctionsengine.errors"
    assert set(sanctionsengine.__all__) <= set(dir(sanctionsengine))
