"""``python -m broadcaster.web``: the web desk process (``broadcaster run`` starts it)."""

import sys

from broadcaster.web.app import main

sys.exit(main())
