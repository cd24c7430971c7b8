#!/usr/bin/env python
from joinedup.cli import main

if __name__ == "__main__":
    main()
