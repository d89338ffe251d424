"""PyInstaller entry script: the frozen ``branchdesk`` executable runs exactly ``branchdesk.cli``.

No argument opens the window; subcommands (demo, import-members, check, ...) work headless, as with
the pip-installed ``branchdesk`` command.
"""

import sys

from branchdesk.cli import main

if __name__ == "__main__":
    sys.exit(main())
