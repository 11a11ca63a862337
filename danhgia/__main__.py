import sys

from danhgia.cli import main

sys.exit(main())
