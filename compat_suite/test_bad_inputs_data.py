"""Bad arguments to DataLoader, samplers, datasets and collation: torchlike must raise PyTorch's
exception type with a similar message."""
import pytest

from .harness import check_error


def _ds(t, n=6):
    return t.utils.data.TensorDataset(t.arange(n))


def _loader(t, **kwargs):
    return t.utils.data.DataLoader(_ds(t), **kwargs)


def _batch_sampler(t):
    return t.utils.data.BatchSampler(t.utils.data.SequentialSampler(range(6)), 2, False)


class _Stream:
    """An IterableDataset subclass made per library (each library has its own base class)."""

    @staticmethod
    def make(t):
        class Stream(t.utils.data.IterableDataset):
            def __iter__(self):
                return iter(range(3))
        return Stream()


def _set_batch_size_after_init(t):
    loader = _loader(t, batch_size=2)
    loader.batch_size = 3


def _iterate_unequal(t):
    return t.utils.data.default_collate([t.ones(2), t.ones(3)])


CASES = [
    ("loader_batch_size_zero", lambda t: _loader(t, batch_size=0)),
    ("loader_negative_batch_size", lambda t: _loader(t, batch_size=-2)),
    ("loader_negative_workers", lambda t: _loader(t, num_workers=-1)),
    ("loader_sampler_with_shuffle", lambda t: _loader(t, sampler=t.utils.data.SequentialSampler(range(6)),
                                                      shuffle=True)),
    ("loader_batch_sampler_with_batch_size", lambda t: _loader(t, batch_sampler=_batch_sampler(t), batch_size=4)),
    ("loader_batch_sampler_with_drop_last", lambda t: _loader(t, batch_sampler=_batch_sampler(t), drop_last=True)),
    ("loader_batch_sampler_with_shuffle", lambda t: _loader(t, batch_sampler=_batch_sampler(t), shuffle=True)),
    ("loader_batch_sampler_with_sampler", lambda t: _loader(t, batch_sampler=_batch_sampler(t),
                                                            sampler=t.utils.data.SequentialSampler(range(6)))),
    ("loader_negative_timeout", lambda t: _loader(t, timeout=-1)),
    ("loader_prefetch_without_workers", lambda t: _loader(t, prefetch_factor=2)),
    ("loader_persistent_without_workers", lambda t: _loader(t, persistent_workers=True)),
    ("loader_no_batching_with_drop_last", lambda t: _loader(t, batch_size=None, drop_last=True)),
    ("loader_context_without_workers", lambda t: _loader(t, multiprocessing_context="spawn")),
    ("loader_iterable_with_shuffle", lambda t: t.utils.data.DataLoader(_Stream.make(t), shuffle=True)),
    ("loader_iterable_with_sampler", lambda t: t.utils.data.DataLoader(
        _Stream.make(t), sampler=t.utils.data.SequentialSampler(range(3)))),
    ("loader_set_batch_size_after_init", _set_batch_size_after_init),
    ("batch_sampler_zero_batch", lambda t: t.utils.data.BatchSampler(range(6), 0, False)),
    ("batch_sampler_bool_batch", lambda t: t.utils.data.BatchSampler(range(6), True, False)),
    ("batch_sampler_drop_last_string", lambda t: t.utils.data.BatchSampler(range(6), 2, "yes")),
    ("random_sampler_zero_samples", lambda t: t.utils.data.RandomSampler(range(6), num_samples=0)),
    ("random_sampler_replacement_int", lambda t: t.utils.data.RandomSampler(range(6), replacement=1)),
    ("weighted_sampler_2d_weights", lambda t: t.utils.data.WeightedRandomSampler(t.ones(2, 2), 2)),
    ("weighted_sampler_zero_samples", lambda t: t.utils.data.WeightedRandomSampler(t.ones(3), 0)),
    ("weighted_sampler_replacement_int", lambda t: t.utils.data.WeightedRandomSampler(t.ones(3), 2,
                                                                                       replacement=1)),
    ("random_split_wrong_sum", lambda t: t.utils.data.random_split(range(6), [2, 2])),
    ("random_split_fractions_wrong_sum", lambda t: t.utils.data.random_split(range(6), [0.5, 0.2])),
    ("tensor_dataset_size_mismatch", lambda t: t.utils.data.TensorDataset(t.ones(3), t.ones(4))),
    ("concat_dataset_empty", lambda t: t.utils.data.ConcatDataset([])),
    ("concat_dataset_index_too_negative", lambda t: t.utils.data.ConcatDataset([range(3)])[-5]),
    ("collate_unequal_tensors", _iterate_unequal),
    ("collate_unsupported_type", lambda t: t.utils.data.default_collate([object(), object()])),
    ("collate_dicts_missing_key", lambda t: t.utils.data.default_collate([{"a": 1}, {"b": 2}])),
    ("len_of_iterable_loader", lambda t: len(t.utils.data.DataLoader(_Stream.make(t)))),
    ("tensor_dataset_index_out_of_range", lambda t: _ds(t)[10]),
    ("subset_index_out_of_range", lambda t: t.utils.data.Subset(range(5), [0, 1])[3]),
]


@pytest.mark.parametrize("name,fn", CASES, ids=[c[0] for c in CASES])
def test_bad_data_argument(name, fn):
    check_error(fn, name=name)
