"""Differences from PyTorch that this project knows and documents (README, the operators and views
rows), each asserted as it is on both sides, so that a change on either side shows up here."""
import warnings

import pytest

from .harness import torch, torchlike


@pytest.mark.parametrize("fn", ["elu", "selu", "celu"])
def test_in_place_elu_family_node_names(fn):
    # PyTorch names the in-place form's node from its result (EluBackward1, CeluBackward1); torchlike
    # keeps the out-of-place name
    def name(t):
        x = t.tensor([-1.0, 2.0], requires_grad=True)
        return getattr(t.nn.functional, fn)(x * 1, inplace=True).grad_fn.name()
    expected = {"elu": "EluBackward", "selu": "EluBackward", "celu": "CeluBackward"}[fn]
    assert (name(torch), name(torchlike)) == (expected + "1", expected + "0")


def test_resize_gives_new_storage():
    # PyTorch grows the storage in place, so a view taken before still shares it; torchlike's
    # resize_ gives the tensor a new array, and the old view keeps the old values
    def shared(t):
        x = t.zeros(4)
        v = x[:2]
        x.resize_(8)
        x.fill_(1.0)
        return v.tolist()
    assert (shared(torch), shared(torchlike)) == ([1.0, 1.0], [0.0, 0.0])


def test_empty_permuted_strides_are_row_major():
    def strides(t):
        return t.empty_permuted((2, 3, 4), (0, 2, 1)).stride()
    assert (strides(torch), strides(torchlike)) == ((12, 1, 3), (12, 4, 1))


def test_storage_address_moves_after_an_in_place_write():
    # torchlike's data_ptr() is the host address of the storage's current array; an in-place write
    # makes a new array (PyTorch writes into the same memory)
    def moved(t):
        x = t.zeros(1000)
        before = x.data_ptr()
        x.add_(1)
        return x.data_ptr() != before
    assert (moved(torch), moved(torchlike)) == (False, True)


def test_capturable_is_accepted_and_ignored_on_the_cpu():
    # PyTorch's ASGD and Rprop refuse capturable=True for CPU parameters; torchlike steps as usual
    def step(t):
        p = t.nn.Parameter(t.ones(2))
        opt = t.optim.Rprop([p], capturable=True)
        p.grad = t.ones(2)
        try:
            opt.step()
            return "stepped"
        except AssertionError:
            return "AssertionError"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert (step(torch), step(torchlike)) == ("AssertionError", "stepped")


def test_set_num_threads_is_recorded_with_a_warning():
    # PyTorch resizes its intra-op pool; XLA's keeps the size it started with, so torchlike records the
    # value (get_num_threads reports it, as PyTorch's does) and says once that it changes nothing
    from torchlike import _runtime_flags
    _runtime_flags._warned.discard("threads")
    before = (torch.get_num_threads(), torchlike.get_num_threads())
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            torch.set_num_threads(1)
        assert not caught
        with pytest.warns(UserWarning, match="XLA's CPU thread pool"):
            torchlike.set_num_threads(1)
        assert torch.get_num_threads() == torchlike.get_num_threads() == 1
    finally:
        torch.set_num_threads(before[0])
        torchlike.set_num_threads(before[1])


def test_vander_has_a_gradient():
    # PyTorch's vander writes into a tensor its backward saved, so its backward raises; torchlike's
    # running product differentiates (d/dx of [x^2, x, 1] is [2x, 1, 0])
    x = torch.tensor([0.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        torch.vander(x, N=3).sum().backward()
    y = torchlike.tensor([0.0, 2.0], requires_grad=True)
    torchlike.vander(y, N=3).sum().backward()
    assert y.grad.tolist() == [1.0, 5.0]


def test_wishart_warns_only_for_a_singular_sample():
    # PyTorch's singular-sample check is inverted: every rsample warns "Singular sample detected." and
    # draws again; torchlike warns only when a draw is singular
    def warned(t):
        t.manual_seed(0)
        d = t.distributions.Wishart(df=t.tensor(5.0), covariance_matrix=t.eye(2))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            d.rsample()
        return any("Singular sample" in str(w.message) for w in caught)
    assert (warned(torch), warned(torchlike)) == (True, False)


def test_expanded_multinomial_has_an_entropy():
    # PyTorch's Multinomial.expand leaves its inner Binomial unexpanded, so entropy() raises
    # AttributeError; torchlike expands it, and the entropy is the unexpanded one repeated
    def entropy(t):
        d = t.distributions.Multinomial(3, probs=t.tensor([0.2, 0.3, 0.5])).expand((2,))
        return d.entropy()
    with pytest.raises(AttributeError):
        entropy(torch)
    one = torch.distributions.Multinomial(3, probs=torch.tensor([0.2, 0.3, 0.5])).entropy().item()
    assert entropy(torchlike).tolist() == pytest.approx([one, one], rel=1e-6)
