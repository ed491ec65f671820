"""``python -m s2sad`` is the ``s2sad`` command."""

import sys

from .tools.cli import main

sys.exit(main())
