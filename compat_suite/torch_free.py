"""A real torch-free interpreter for library tests: a child Python started with -S (no site-packages
processing) whose path is a folder of links to every site-packages entry except PyTorch's own
packages, plus the repository. There `import torch` fails until torchlike.install_as_torch()."""
import os
import re
import subprocess
import sys
import sysconfig

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_TORCH_ENTRY = re.compile(r"^(torch|torchgen|functorch|torchvision)([-.].*)?$")


def torch_free_pythonpath(folder) -> str:
    """Fill `folder` with links to site-packages minus PyTorch; the PYTHONPATH that uses it."""
    site = sysconfig.get_paths()["purelib"]
    for name in os.listdir(site):
        if not _TORCH_ENTRY.match(name):
            os.symlink(os.path.join(site, name), os.path.join(str(folder), name))
    return os.pathsep.join([str(folder), REPO])


def run_python(args: list, pythonpath: str | None, isolated: bool, timeout: int = 300) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = pythonpath
    return subprocess.run([sys.executable] + (["-S"] if isolated else []) + args, env=env, capture_output=True,
                          text=True, timeout=timeout, cwd=REPO)
