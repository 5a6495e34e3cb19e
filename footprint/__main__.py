"""``python -m footprint``: the command line."""

from footprint.cli import main

if __name__ == "__main__":
    main()
