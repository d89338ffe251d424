"""The core never imports Qt: every module under branchdesk/core, and the command line with
the window's Qt-free places table it prints from, load in a fresh process without PySide6."""

import pkgutil
import subprocess
import sys

import branchdesk.core


def core_modules() -> list[str]:
    found = pkgutil.walk_packages(branchdesk.core.__path__, prefix="branchdesk.core.")
    return sorted(module.name for module in found)


def test_the_walk_finds_every_kind_of_core_module():
    names = core_modules()
    assert {"branchdesk.core.db", "branchdesk.core.rules", "branchdesk.core.importing.plan",
            "branchdesk.core.ledger.yearly", "branchdesk.core.backup"} <= set(names)


def test_no_core_module_loads_qt():
    imports = "".join(f"import {name}\n" for name in [*core_modules(), "branchdesk.cli", "branchdesk.ui.places"])
    code = (imports + "import sys\n"
            "qt = sorted(m for m in sys.modules if m.startswith('PySide6'))\n"
            "assert not qt, f'Qt loaded: {qt}'\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
