"""PyTorch's module catalog (`module_db`): every entry run on both libraries, against expected.txt."""
import pytest
from torch.testing._internal.common_modules import module_db

from .catalog import expectations, modules


@pytest.mark.parametrize("info", module_db, ids=modules.entry_name)
def test_module_db(info, catalog_full):
    statuses = modules.run(info, full=catalog_full)
    problem = expectations.verdict("module_db", modules.entry_name(info), statuses)
    assert problem is None, problem


def test_module_db_entries_are_unique():
    names = [modules.entry_name(info) for info in module_db]
    assert len(names) == len(set(names))
