"""PyInstaller's entry script: the same main() as `aurora-desktop` and `python -m aurora_desktop`."""

import sys

from aurora_desktop.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
