"""`python -m torchlike run script.py [args...]`: run a PyTorch script untouched on torchlike.

`torch`, `torchvision` and their submodules resolve to torchlike's modules (see `install_as_torch`).
The script runs as `__main__` with `sys.argv = [script, *args]`, as `python script.py` would run it:
same traceback (without this launcher's frames) and exit status.
"""
from __future__ import annotations

import os
import runpy
import sys

USAGE = "usage: python -m torchlike run script.py [args ...]"


def _script_frames(tb, script: str):
    """The traceback from the script's first frame on: the launcher's own frames are not the user's."""
    t = tb
    while t is not None:
        if os.path.abspath(t.tb_frame.f_code.co_filename) == script:
            return t
        t = t.tb_next
    return tb


def run(script: str, args: list) -> int:
    from torchlike._aliases import install_as_torch
    path = os.path.abspath(script)
    if not os.path.exists(path):
        print(f"{sys.executable}: can't open file {path!r}: [Errno 2] No such file or directory", file=sys.stderr)
        return 2
    install_as_torch()
    sys.argv = [script, *args]
    sys.path[0] = os.path.dirname(path)
    try:
        runpy.run_path(path, run_name="__main__")
    except SystemExit:
        raise
    except BaseException as e:  # noqa: BLE001 - reported as Python reports an uncaught exception
        tb = _script_frames(e.__traceback__, path)
        sys.excepthook(type(e), e.with_traceback(tb), tb)
        return 130 if isinstance(e, KeyboardInterrupt) else 1
    return 0


def main(argv: list) -> int:
    if len(argv) < 2 or argv[0] != "run":
        print(USAGE, file=sys.stderr)
        return 2
    return run(argv[1], argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
