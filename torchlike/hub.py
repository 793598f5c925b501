"""torch.hub: where downloaded checkpoints live, and `load_state_dict_from_url`. Mirrors `torch.hub`.

Checkpoints are cached as PyTorch caches them (`$TORCH_HOME/hub/checkpoints/<file name>`, TORCH_HOME
defaulting to `$XDG_CACHE_HOME/torch` or `~/.cache/torch`), so a file PyTorch downloaded is found
here too. Loading models from GitHub repositories (`hub.load`, `hub.list`, `hub.help`) is not
implemented: it runs the repository's own `hubconf.py`, written against real torch.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import sys
import tempfile
import urllib.request
from urllib.error import HTTPError, URLError  # noqa: F401  (names torch.hub has)
from urllib.parse import urlparse  # noqa: F401

__all__ = ["download_url_to_file", "get_dir", "help", "list", "load", "load_state_dict_from_url", "set_dir"]

ENV_TORCH_HOME = "TORCH_HOME"
ENV_XDG_CACHE_HOME = "XDG_CACHE_HOME"
DEFAULT_CACHE_DIR = "~/.cache"
HASH_REGEX = re.compile(r"-([a-f0-9]*)\.")  # resnet18-f37072fd.pth: the sha256 prefix after the last '-'
_hub_dir: str | None = None


def _torch_home() -> str:
    default = os.path.join(os.getenv("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "torch")
    return os.path.expanduser(os.getenv("TORCH_HOME", default))


def get_dir() -> str:
    """Mirrors `torch.hub.get_dir`: `set_dir`'s folder, else `$TORCH_HOME/hub`."""
    return _hub_dir if _hub_dir is not None else os.path.join(_torch_home(), "hub")


def set_dir(d) -> None:
    """Mirrors `torch.hub.set_dir`."""
    global _hub_dir
    _hub_dir = os.path.expanduser(os.fspath(d))


def download_url_to_file(url: str, dst: str, hash_prefix: str | None = None, progress: bool = True) -> None:
    """Mirrors `torch.hub.download_url_to_file`: download to a temporary file beside `dst`, check the
    sha256 prefix if given, then move it into place."""
    dst = os.path.expanduser(dst)
    folder = os.path.dirname(os.path.abspath(dst))
    tmp = tempfile.NamedTemporaryFile(delete=False, dir=folder, suffix=".partial")
    try:
        sha = hashlib.sha256()
        with urllib.request.urlopen(urllib.request.Request(url, headers={"User-Agent": "torch.hub"})) as r:
            while chunk := r.read(1 << 20):
                tmp.write(chunk)
                sha.update(chunk)
        tmp.close()
        if hash_prefix is not None and not sha.hexdigest().startswith(hash_prefix):
            raise RuntimeError(f'invalid hash value (expected "{hash_prefix}", got "{sha.hexdigest()}")')
        shutil.move(tmp.name, dst)
    finally:
        tmp.close()
        if os.path.exists(tmp.name):
            os.remove(tmp.name)


def load_state_dict_from_url(url: str, model_dir: str | None = None, map_location=None, progress: bool = True,
                             check_hash: bool = False, file_name: str | None = None, weights_only: bool = False):
    """Mirrors `torch.hub.load_state_dict_from_url`: the cached file if present, else downloaded
    into `model_dir` (default `get_dir()/checkpoints`), then `torch.load`ed."""
    from ._serialization import load as _load
    model_dir = model_dir if model_dir is not None else os.path.join(get_dir(), "checkpoints")
    os.makedirs(model_dir, exist_ok=True)
    name = file_name if file_name is not None else os.path.basename(urlparse(url).path)
    path = os.path.join(model_dir, name)
    if not os.path.exists(path):
        sys.stderr.write(f'Downloading: "{url}" to {path}\n')
        match = HASH_REGEX.search(name) if check_hash else None
        download_url_to_file(url, path, match.group(1) if match else None, progress=progress)
    return _load(path, map_location=map_location, weights_only=weights_only)


def _repository_models(*args, **kwargs):
    raise NotImplementedError("torch.hub.load/list/help (models from a GitHub repository's hubconf.py) are not "
                              "implemented in torchlike; build the model from its code and load its state_dict")


load = list = help = _repository_models
