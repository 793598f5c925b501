"""PyTorch's operator catalog (`op_db`): every entry run on both libraries, against expected.txt."""
import pytest
from torch.testing._internal.common_methods_invocations import op_db

from .catalog import expectations, ops


@pytest.mark.parametrize("op", op_db, ids=ops.entry_name)
def test_op_db(op, catalog_full):
    statuses = ops.run(op, full=catalog_full)
    problem = expectations.verdict("op_db", ops.entry_name(op), statuses)
    assert problem is None, problem


def test_op_db_entries_are_unique():
    names = [ops.entry_name(op) for op in op_db]
    assert len(names) == len(set(names))
