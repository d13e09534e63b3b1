import sys

from greatleap.cli import main

sys.exit(main())
