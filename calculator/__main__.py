"""``python -m calculator`` — see :mod:`calculator._cli`."""

import sys

from ._cli import main

sys.exit(main())
