"""Download and integrity helpers. Mirrors `torchvision.datasets.utils`."""
from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import tarfile
import urllib.error
import urllib.request


def calculate_md5(fpath: str, chunk_size: int = 1024 * 1024) -> str:
    md5 = hashlib.md5(usedforsecurity=False)
    with open(fpath, "rb") as f:
        while chunk := f.read(chunk_size):
            md5.update(chunk)
    return md5.hexdigest()


def check_md5(fpath: str, md5: str) -> bool:
    return md5 == calculate_md5(fpath)


def check_integrity(fpath: str, md5: str | None = None) -> bool:
    """Mirrors `torchvision.datasets.utils.check_integrity`."""
    if not os.path.isfile(fpath):
        return False
    return True if md5 is None else check_md5(fpath, md5)


def download_url(url: str, root: str, filename: str | None = None, md5: str | None = None) -> None:
    """Mirrors `torchvision.datasets.utils.download_url`: fetch `url` into `root`, verifying its md5."""
    root = os.path.expanduser(root)
    fpath = os.path.join(root, filename or os.path.basename(url))
    os.makedirs(root, exist_ok=True)
    if check_integrity(fpath, md5):
        return
    tmp = fpath + ".part"
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers={"User-Agent": "torchlike"}),
                                    timeout=60) as r, open(tmp, "wb") as f:
            shutil.copyfileobj(r, f)
    except (urllib.error.URLError, OSError) as e:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise RuntimeError(f"Error downloading {url}: {e}") from e
    os.replace(tmp, fpath)
    if not check_integrity(fpath, md5):
        raise RuntimeError(f"File {fpath} downloaded from {url} is corrupted (md5 mismatch).")


def extract_archive(from_path: str, to_path: str | None = None, remove_finished: bool = False) -> str:
    """Mirrors `torchvision.datasets.utils.extract_archive` for .tar(.gz) and .gz files."""
    to_path = to_path or os.path.dirname(from_path)
    if from_path.endswith((".tar.gz", ".tgz", ".tar")):
        with tarfile.open(from_path) as tar:
            tar.extractall(to_path, filter="data")
    elif from_path.endswith(".gz"):
        out = os.path.join(to_path, os.path.basename(from_path)[:-3])
        with gzip.open(from_path, "rb") as src, open(out, "wb") as dst:
            shutil.copyfileobj(src, dst)
    else:
        raise RuntimeError(f"Extraction of {from_path} not supported")
    if remove_finished:
        os.remove(from_path)
    return to_path


def download_and_extract_archive(url: str, download_root: str, extract_root: str | None = None,
                                 filename: str | None = None, md5: str | None = None,
                                 remove_finished: bool = False) -> None:
    """Mirrors `torchvision.datasets.utils.download_and_extract_archive`."""
    filename = filename or os.path.basename(url)
    download_url(url, download_root, filename, md5)
    extract_archive(os.path.join(download_root, filename), extract_root or download_root, remove_finished)
