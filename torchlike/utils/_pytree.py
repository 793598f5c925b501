"""torch.utils._pytree: flattening nested containers. Mirrors PyTorch's Python pytree.

Plain Python (not jax.tree_util), because the rules differ: Tensors and None are leaves, dicts
keep their insertion order (JAX sorts keys), and namedtuples, OrderedDict, defaultdict, deque
and torch.Size are nodes with PyTorch's contexts. `register_pytree_node` adds a container type.
"""
from __future__ import annotations

import collections
import dataclasses
from typing import Any, Callable, NamedTuple

__all__ = ["Context", "KeyEntry", "LeafSpec", "MappingKey", "SUPPORTED_NODES", "SequenceKey", "TreeSpec",
           "keystr", "register_pytree_node", "tree_all", "tree_any", "tree_flatten", "tree_flatten_with_path",
           "tree_leaves", "tree_map", "tree_map_", "tree_map_only", "tree_structure", "tree_unflatten"]

Context = Any
KeyEntry = Any


class NodeDef(NamedTuple):
    type: type
    flatten_fn: Callable
    unflatten_fn: Callable
    flatten_with_keys_fn: Callable | None


SUPPORTED_NODES: dict = {}


def register_pytree_node(cls, flatten_fn, unflatten_fn, *, serialized_type_name=None, to_dumpable_context=None,
                         from_dumpable_context=None, flatten_with_keys_fn=None) -> None:
    """Mirrors `torch.utils._pytree.register_pytree_node`: `flatten_fn(obj) -> (children, context)`,
    `unflatten_fn(children, context) -> obj`."""
    if cls in SUPPORTED_NODES:
        raise ValueError(f"{cls} is already registered as pytree node.")
    SUPPORTED_NODES[cls] = NodeDef(cls, flatten_fn, unflatten_fn, flatten_with_keys_fn)


@dataclasses.dataclass(frozen=True)
class SequenceKey:
    idx: int

    def __str__(self):
        return f"[{self.idx!r}]"


@dataclasses.dataclass(frozen=True)
class MappingKey:
    key: Any

    def __str__(self):
        return f"[{self.key!r}]"


@dataclasses.dataclass(frozen=True)
class GetAttrKey:
    name: str

    def __str__(self):
        return f".{self.name}"


def keystr(kp) -> str:
    """Mirrors `torch.utils._pytree.keystr`: a key path as indexing text, e.g. `['a'][1]`."""
    return "".join(str(k) for k in kp)


def _dict_flatten(d):
    return list(d.values()), list(d.keys())


def _dict_unflatten(values, context):
    return dict(zip(context, values))


def _dict_flatten_with_keys(d):
    values, context = _dict_flatten(d)
    return [(MappingKey(k), v) for k, v in zip(context, values)], context


def _seq_with_keys(flatten):
    def with_keys(x):
        values, context = flatten(x)
        return [(SequenceKey(i), v) for i, v in enumerate(values)], context
    return with_keys


def _namedtuple_with_keys(x):
    return [(GetAttrKey(f), v) for f, v in zip(x._fields, x)], type(x)


def _register_builtins():
    seq = [(tuple, lambda t: (list(t), None), lambda v, c: tuple(v)),
           (list, lambda t: (list(t), None), lambda v, c: list(v))]
    for cls, flat, unflat in seq:
        register_pytree_node(cls, flat, unflat, flatten_with_keys_fn=_seq_with_keys(flat))
    register_pytree_node(dict, _dict_flatten, _dict_unflatten, flatten_with_keys_fn=_dict_flatten_with_keys)
    register_pytree_node(collections.namedtuple, lambda t: (list(t), type(t)), lambda v, c: c(*v),
                         flatten_with_keys_fn=_namedtuple_with_keys)
    register_pytree_node(collections.OrderedDict, _dict_flatten,
                         lambda v, c: collections.OrderedDict(zip(c, v)), flatten_with_keys_fn=_dict_flatten_with_keys)
    register_pytree_node(collections.defaultdict, lambda d: (list(d.values()), [d.default_factory, list(d.keys())]),
                         lambda v, c: collections.defaultdict(c[0], zip(c[1], v)),
                         flatten_with_keys_fn=lambda d: ([(MappingKey(k), v) for k, v in d.items()],
                                                         [d.default_factory, list(d.keys())]))
    dq_flat = lambda d: (list(d), d.maxlen)  # noqa: E731
    register_pytree_node(collections.deque, dq_flat, lambda v, c: collections.deque(v, maxlen=c),
                         flatten_with_keys_fn=_seq_with_keys(dq_flat))
    from .._tensor import Size
    # PyTorch rebuilds a torch.Size as a plain tuple
    register_pytree_node(Size, lambda s: (list(s), None), lambda v, c: tuple(v),
                         flatten_with_keys_fn=_seq_with_keys(lambda s: (list(s), None)))


def _is_namedtuple(obj) -> bool:
    return isinstance(obj, tuple) and hasattr(type(obj), "_fields") and type(obj) not in SUPPORTED_NODES


def _node_type(obj):
    """The registry key of `obj`'s type, or None for a leaf."""
    if _is_namedtuple(obj):
        return collections.namedtuple
    t = type(obj)
    return t if t in SUPPORTED_NODES else None


class TreeSpec:
    """Mirrors `torch.utils._pytree.TreeSpec`: a node type, its context and its children's specs."""

    def __init__(self, type, context, children_specs):
        self.type, self.context, self.children_specs = type, context, list(children_specs)
        self.num_children = len(self.children_specs)
        self.num_leaves = sum(c.num_leaves for c in self.children_specs) if self.type is not None else 1
        self.num_nodes = 1 + sum(c.num_nodes for c in self.children_specs)

    def is_leaf(self) -> bool:
        return self.type is None

    def children(self) -> list:
        return list(self.children_specs)

    def child(self, index: int) -> "TreeSpec":
        return self.children_specs[index]

    def __eq__(self, other):
        if not isinstance(other, TreeSpec):
            return NotImplemented
        return (self.type, self.context, self.children_specs) == (other.type, other.context, other.children_specs)

    def __hash__(self):
        return hash((self.type, repr(self.context), tuple(self.children_specs)))

    def __repr__(self, indent: int = 0) -> str:
        if self.is_leaf():
            return "*"
        name = self.type.__name__
        sep = ",\n" + " " * (indent + 2)
        children = sep.join(c.__repr__(indent + 2) for c in self.children_specs)
        return f"TreeSpec({name}, {self.context}, [{children}])"

    def unflatten(self, leaves):
        leaves = list(leaves)
        if len(leaves) != self.num_leaves:
            raise ValueError(f"treespec.unflatten(leaves): `leaves` has length {len(leaves)} but the spec refers "
                             f"to a pytree that holds {self.num_leaves} items ({self}).")
        return self._build(iter(leaves))

    def _build(self, leaves):
        if self.is_leaf():
            return next(leaves)
        children = [c._build(leaves) for c in self.children_specs]
        return SUPPORTED_NODES[self.type].unflatten_fn(children, self.context)

    def flatten_up_to(self, tree) -> list:
        """The subtrees of `tree` at this spec's leaves (its structure must match down to them)."""
        if self.is_leaf():
            return [tree]
        node = _node_type(tree)
        if node is not self.type:
            raise ValueError(f"Node type mismatch; expected {self.type!r}, but got {type(tree)!r}.")
        children, context = SUPPORTED_NODES[node].flatten_fn(tree)
        if len(children) != self.num_children:
            raise ValueError(f"Node arity mismatch; expected {self.num_children}, but got {len(children)}.")
        if context != self.context:
            raise ValueError(f"Node context mismatch for node type {self.type!r}; expected {self.context!r}, "
                             f"but got {context!r}.")
        out = []
        for spec, child in zip(self.children_specs, children):
            out.extend(spec.flatten_up_to(child))
        return out


class LeafSpec(TreeSpec):
    """Mirrors `torch.utils._pytree.LeafSpec`: the spec of a leaf."""

    def __init__(self):
        super().__init__(None, None, [])


def _flatten(tree, is_leaf, leaves) -> TreeSpec:
    node = None if (is_leaf is not None and is_leaf(tree)) else _node_type(tree)
    if node is None:
        leaves.append(tree)
        return LeafSpec()
    children, context = SUPPORTED_NODES[node].flatten_fn(tree)
    return TreeSpec(node, context, [_flatten(c, is_leaf, leaves) for c in children])


def tree_flatten(tree, is_leaf=None):
    """Mirrors `torch.utils._pytree.tree_flatten`: (leaves, TreeSpec)."""
    leaves: list = []
    return leaves, _flatten(tree, is_leaf, leaves)


def tree_unflatten(leaves, treespec: TreeSpec):
    """Mirrors `torch.utils._pytree.tree_unflatten`."""
    if not isinstance(treespec, TreeSpec):
        raise TypeError(f"tree_unflatten(leaves, treespec): Expected `treespec` to be instance of TreeSpec but "
                        f"got item of type {type(treespec)}.")
    return treespec.unflatten(leaves)


def tree_leaves(tree, is_leaf=None) -> list:
    return tree_flatten(tree, is_leaf)[0]


def tree_structure(tree, is_leaf=None) -> TreeSpec:
    return tree_flatten(tree, is_leaf)[1]


def tree_map(func, tree, *rests, is_leaf=None):
    """Mirrors `torch.utils._pytree.tree_map`: `func` over the leaves of `tree` (and the matching
    subtrees of `rests`), rebuilt with `tree`'s structure."""
    leaves, spec = tree_flatten(tree, is_leaf)
    others = [spec.flatten_up_to(r) for r in rests]
    return spec.unflatten(func(*xs) for xs in zip(leaves, *others))


def tree_map_(func, tree, *rests, is_leaf=None):
    """Mirrors `torch.utils._pytree.tree_map_`: `func` over the leaves for its side effects; returns `tree`."""
    leaves, spec = tree_flatten(tree, is_leaf)
    others = [spec.flatten_up_to(r) for r in rests]
    for xs in zip(leaves, *others):
        func(*xs)
    return tree


def tree_map_only(type_or_types, func, tree, is_leaf=None):
    """Mirrors `torch.utils._pytree.tree_map_only`: `func` on leaves of the given type(s), others kept."""
    return tree_map(lambda x: func(x) if isinstance(x, type_or_types) else x, tree, is_leaf=is_leaf)


def tree_all(pred, tree, is_leaf=None) -> bool:
    return all(pred(x) for x in tree_leaves(tree, is_leaf))


def tree_any(pred, tree, is_leaf=None) -> bool:
    return any(pred(x) for x in tree_leaves(tree, is_leaf))


def _flatten_with_path(tree, is_leaf, path, out) -> TreeSpec:
    node = None if (is_leaf is not None and is_leaf(tree)) else _node_type(tree)
    if node is None:
        out.append((path, tree))
        return LeafSpec()
    nodedef = SUPPORTED_NODES[node]
    if nodedef.flatten_with_keys_fn is None:
        raise ValueError(f"Did not find a flatten_with_keys_fn for type: {node}. Please pass a "
                         "flatten_with_keys_fn argument to register_pytree_node.")
    keyed, context = nodedef.flatten_with_keys_fn(tree)
    return TreeSpec(node, context, [_flatten_with_path(c, is_leaf, path + (k,), out) for k, c in keyed])


def tree_flatten_with_path(tree, is_leaf=None):
    """Mirrors `torch.utils._pytree.tree_flatten_with_path`: ([(key path, leaf)], TreeSpec)."""
    out: list = []
    return out, _flatten_with_path(tree, is_leaf, (), out)


def treespec_dumps(treespec, protocol=None) -> str:
    """`torch.utils._pytree.treespec_dumps` writes a TreeSpec as JSON; not supported here."""
    raise NotImplementedError("torch.utils._pytree.treespec_dumps: TreeSpec serialization is not supported by "
                              "torchlike")


def treespec_loads(serialized: str):
    """`torch.utils._pytree.treespec_loads`; not supported here (see `treespec_dumps`)."""
    raise NotImplementedError("torch.utils._pytree.treespec_loads: TreeSpec serialization is not supported by "
                              "torchlike")


_register_builtins()
