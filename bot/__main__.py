"""``python -m bot``: the same as the ``neutroguide`` command."""

import sys

from bot.cli.main import main

sys.exit(main())
