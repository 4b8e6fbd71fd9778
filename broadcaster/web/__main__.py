"""``python -m broadcaster.web``: the web desk process (``broadcaster run`` starts it)."""

import sys

from broadcaster.web.app import main

if __name__ == "__main__":
    sys.exit(main())
