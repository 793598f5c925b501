"""PyTorch's optimizer catalog (`optim_db`): every entry run on both libraries, against expected.txt."""
import pytest
from torch.testing._internal.common_optimizers import optim_db

from .catalog import expectations, optims


@pytest.mark.parametrize("info", optim_db, ids=optims.entry_name)
def test_optim_db(info):
    statuses = optims.run(info)
    problem = expectations.verdict(optims.FAMILY, optims.entry_name(info), statuses)
    assert problem is None, problem


def test_optim_db_entries_are_unique():
    names = [optims.entry_name(info) for info in optim_db]
    assert len(names) == len(set(names))
