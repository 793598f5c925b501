"""Pytrees of tensors as torch.func sees them: tuples, lists, dicts and namedtuples nest; anything
else (a Tensor, a number, None) is a leaf.

JAX's own pytrees sort dict keys and know nothing of Tensors, so the transforms flatten with this
module and hand JAX flat tuples of arrays; results are rebuilt in the caller's structure and order.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Spec:
    """The structure of a pytree: a node type, its keys (dicts) and its children's specs; a leaf has kind None."""

    kind: type | None = None
    keys: tuple = ()
    children: tuple = ()

    @property
    def num_leaves(self) -> int:
        return 1 if self.kind is None else sum(c.num_leaves for c in self.children)

    def __str__(self) -> str:
        if self.kind is None:
            return "*"
        inner = ", ".join(str(c) for c in self.children)
        if self.kind is dict or issubclass(self.kind, dict):
            return "{" + ", ".join(f"{k!r}: {c}" for k, c in zip(self.keys, self.children)) + "}"
        if self.kind is list:
            return f"[{inner}]"
        if self.kind is tuple:
            return f"({inner}{',' if len(self.children) == 1 else ''})"
        return f"{self.kind.__name__}({inner})"


LEAF = Spec()


def _is_namedtuple(x) -> bool:
    return isinstance(x, tuple) and hasattr(type(x), "_fields")


def _children(tree):
    """(kind, keys, children) of a node, or None for a leaf."""
    if isinstance(tree, dict):
        return type(tree), tuple(tree.keys()), tuple(tree.values())
    if _is_namedtuple(tree):
        return type(tree), (), tuple(tree)
    if type(tree) in (tuple, list):
        return type(tree), (), tuple(tree)
    return None


def flatten(tree) -> tuple[list, Spec]:
    """The leaves of a tree (depth first, dicts in insertion order) and its structure."""
    leaves: list = []
    return leaves, _flatten_into(tree, leaves)


def _flatten_into(tree, leaves: list) -> Spec:
    node = _children(tree)
    if node is None:
        leaves.append(tree)
        return LEAF
    kind, keys, children = node
    return Spec(kind, keys, tuple(_flatten_into(c, leaves) for c in children))


def unflatten(spec: Spec, leaves) -> object:
    """Rebuild a tree of structure `spec` from its leaves (any objects)."""
    it = iter(leaves)
    return _build(spec, it)


def _build(spec: Spec, it):
    if spec.kind is None:
        return next(it)
    children = [_build(c, it) for c in spec.children]
    if spec.kind is dict or issubclass(spec.kind, dict):
        return spec.kind(zip(spec.keys, children))
    if issubclass(spec.kind, tuple) and spec.kind is not tuple:
        return spec.kind(*children)
    return spec.kind(children)


def tree_map(fn, tree):
    leaves, spec = flatten(tree)
    return unflatten(spec, [fn(x) for x in leaves])


def broadcast_prefix(prefix, tree, is_leaf=lambda x: False) -> list | None:
    """Per leaf of `tree`, the value of `prefix` that covers it (torch.func's in_dims/out_dims rule).

    `prefix` is a leaf (applies to the whole subtree) or a node of the same kind as the tree's node,
    with the same length (sequences) or key set (dicts). Returns None when they do not match."""
    out: list = []
    return out if _broadcast(prefix, tree, out, is_leaf) else None


def _broadcast(prefix, tree, out: list, is_leaf) -> bool:
    pnode = None if is_leaf(prefix) else _children(prefix)
    if pnode is None:
        out.extend([prefix] * flatten(tree)[1].num_leaves)
        return True
    node = _children(tree)
    if node is None or pnode[0] is not node[0] or len(pnode[2]) != len(node[2]):
        return False
    if isinstance(tree, dict):
        if set(prefix) != set(tree):
            return False
        return all(_broadcast(prefix[k], v, out, is_leaf) for k, v in tree.items())
    return all(_broadcast(p, c, out, is_leaf) for p, c in zip(pnode[2], node[2]))
