"""How an operator names its autograd node (its `grad_fn`), and the node of its backward.

PyTorch names a node after the overload that ran, so one torchlike op may need several names:
`x.squeeze(0)` is SqueezeBackward1 and `x.squeeze()` SqueezeBackward0 (chosen by the static
arguments), `x ** 2` is PowBackward0 and `x ** y` PowBackward1 (chosen by which operands were
Python scalars), `a @ b` is MmBackward0 or MvBackward0 (chosen by the input ranks). A `GradName`
holds one such rule; `@op(grad_name=...)` turns whatever it is given into one at registration,
and `for_kernel` resolves the static part when a kernel is built, leaving a name or a function
of the kernel's arrays.

Under `create_graph=True` a backward becomes a node of its own (`backward_name`): PyTorch's
backward is either a dedicated kernel (`tanh_backward`, so TanhBackwardBackward0) or a formula of
ordinary ops, named after the op that produced the gradient (`exp`: grad * result, so
MulBackward0). The table below lists PyTorch's name for the formula ops.
"""
import re


class GradName:
    """One op's naming rule: a fixed name, or `static(fn)`, `scalars(fn)`, `arrays(fn)`; and its backward's
    node: `backward` (its name where PyTorch's differs from the table's, for ops PyTorch composes of
    others), `takes_inputs` (None: by the name, see `backward_takes_inputs`) and `no_double`, giving the
    error PyTorch raises on differentiating the backward."""

    __slots__ = ("fixed", "fn", "by", "backward", "takes_inputs", "no_double")

    def __init__(self, fixed: str | None = None, fn=None, by: str = "fixed", *, backward=None, takes_inputs=None,
                 no_double=None):
        self.fixed, self.fn, self.by = fixed, fn, by
        self.backward, self.takes_inputs, self.no_double = backward, takes_inputs, no_double

    @classmethod
    def static(cls, fn) -> "GradName":
        """Chosen from the op's static arguments: fn(**static) -> name."""
        return cls(fn=fn, by="static")

    @classmethod
    def scalars(cls, fn) -> "GradName":
        """Chosen from the static arguments and `_given` ({operand: "s" if a Python scalar, else "t"})."""
        return cls(fn=fn, by="scalars")

    @classmethod
    def arrays(cls, fn) -> "GradName":
        """Chosen from the kernel's input arrays (their ranks): fn(*arrays) -> name."""
        return cls(fn=fn, by="arrays")

    @classmethod
    def scalar_choice(cls, param: str, scalar_name: str, tensor_name: str) -> "GradName":
        """One name when `param` was a Python scalar, another when it was a tensor."""
        return cls.scalars(lambda _given, **_: scalar_name if _given.get(param) == "s" else tensor_name)

    @classmethod
    def of(cls, spec, op_name: str) -> "GradName":
        """The rule for @op's grad_name argument: None (named after the op), a name, or a GradName."""
        if spec is None or spec.__class__ is GradName and spec.by == "fixed" and spec.fixed is None:
            default = "".join(w.capitalize() for w in op_name.strip("_").split("_")) + "Backward0"
            return cls(default) if spec is None else cls(default, backward=spec.backward,
                                                         takes_inputs=spec.takes_inputs, no_double=spec.no_double)
        if isinstance(spec, GradName):
            return spec
        if isinstance(spec, str):
            return cls(spec)
        raise TypeError(f"grad_name of {op_name} must be a str or a GradName, not {type(spec).__name__}")

    def for_kernel(self, static: dict, given: dict):
        """The name of a kernel built for these static arguments: a str, or a function of its arrays."""
        if self.by == "fixed":
            return self.fixed
        if self.by == "static":
            return self.fn(**static)
        if self.by == "scalars":
            return self.fn(_given=given, **static)
        return self.fn


# PyTorch's backward formulas by the op that produces the gradient: forward node -> the backward's node
# (first-order gradients taken with create_graph=True, torch 2.13). "Pow@1" stands for PowBackward1.
_FORMULA_NODES = {
    "AddBackward0": "Add Div Div@1 LinalgLstsq LinalgPinv Mean Sub Sum@1",
    "BatchNormBackwardBackward0": "BatchNormWithUpdate",
    "ConstantPadNdBackward0": "Conj FftR2C",
    "DivBackward0": "Atan Atanh Cumprod Hypot IndexReduce Log10 Log1P Log2 Log Logaddexp2 Logaddexp Sqrt",
    "DivBackward1": "BinaryCrossEntropyWithLogits",
    "EluBackwardBackward0": "Celu Selu",
    "LinalgSolveTriangularBackward0": "Cholesky LinalgCholeskyEx LinalgQr",
    "LogSoftmaxBackwardDataBackward0": "LogSoftmax",
    "MaskedFillBackward0": "SpecialXlog1Py Xlogy",
    "MmBackward0": "LinalgEigh LinalgLu LinalgLuFactorEx LinalgSvd Mm",
    "MulBackward0": "Abs Acos Acosh Asin Asinh Atan2 Copysign Cos Cosh Digamma Dist Dot Erf Erfc Erfinv Exp Expm1 "
                    "I0 Ldexp Lgamma LinalgVectorNorm Logsumexp Mish Mul Mv Mvlgamma Norm@1 Polygamma Pow Prod "
                    "Reciprocal Remainder@1 Rsqrt Silu Sin Sinh SpecialEntr SpecialErfcx SpecialI0E SpecialI1 "
                    "SpecialI1E SpecialLogNdtr SpecialNdtri Std StdMean Tan Var VarMean Vdot",
    "MulBackward1": "Exp2 Mul@1 UnsafeView",
    "NativeBatchNormBackwardBackward0": "NativeBatchNormLegit",
    "NegBackward0": "CholeskyInverse LinalgInvEx LinalgSolveEx",
    "ScatterBackward1": "ScatterReduce",
    "SelectBackward0": "Complex FftC2C LinalgEig Polar",
    "SliceBackward0": "LinalgMatrixExp",
    "SoftmaxBackwardDataBackward0": "SafeSoftmax Softmax",
    "SqueezeBackward1": "Squeeze@1",
    "SubBackward0": "Logcumsumexp",
    "ThresholdBackwardBackward0": "Relu",
    "TrilBackward0": "LinalgHouseholderProduct Ormqr",
    "TriuBackward0": "LinalgSolveTriangular",
    "ViewAsRealBackward0": "ViewAsComplex",
    "ViewBackward0": "NativeGroupNorm ReshapeAlias Squeeze Squeeze@4 View",
    "WhereBackward0": "Logit Pow@1 Renorm Sinc",
}
_BACKWARD_NODE = {(k.replace("@", "Backward") if "@" in k else k + "Backward0"): v
                  for v, ks in _FORMULA_NODES.items() for k in ks.split()}
_NUMBER = re.compile(r"Backward\d+$")


def backward_name(first: str, rule: GradName | None = None) -> str:
    """The grad_fn of a gradient computed through a node named `first` (create_graph=True)."""
    if rule is not None and rule.backward is not None:
        return rule.backward
    return _BACKWARD_NODE.get(first) or _NUMBER.sub("", first) + "BackwardBackward0"


# Forward nodes whose PyTorch backward is a dedicated kernel taking the forward's inputs (tanh_backward,
# convolution_backward, ...).
_KERNEL_BACKWARDS = set("""AdaptiveAvgPool2D AdaptiveAvgPool3D AdaptiveMaxPool2D AdaptiveMaxPool3D AvgPool2D AvgPool3D
    BinaryCrossEntropy Convolution Elu FractionalMaxPool2D FractionalMaxPool3D Gelu Glu GridSampler2D GridSampler3D
    Hardshrink Hardsigmoid Hardswish Hardtanh HuberLoss LeakyRelu LogSigmoid MaxPool2DWithIndices
    MaxPool3DWithIndices MseLoss NativeBatchNorm NllLoss NllLoss2D NativeLayerNorm PreluKernel ReflectionPad1D
    ReflectionPad2D ReflectionPad3D ReplicationPad1D ReplicationPad2D ReplicationPad3D RreluWithNoise Sigmoid SmoothL1Loss
    SoftMarginLoss Softplus Softshrink Tanh Threshold""".split())


def backward_takes_inputs(first: str, rule: GradName | None = None) -> bool:
    """Whether PyTorch's backward of a node named `first` is a kernel that takes the forward's inputs
    (relu's threshold_backward(grad, self)): its result then requires grad whenever they do, even where
    it only compares them. A formula's comparisons make boolean masks, which carry no gradient, so its
    result requires grad only through the values it computes from (`backward_kernel`)."""
    if rule is not None and rule.takes_inputs is not None:
        return rule.takes_inputs
    stem = _NUMBER.sub("", first)
    # (a backward kernel's own node: TanhBackwardBackward0, SoftmaxBackwardDataBackward0)
    return stem in _KERNEL_BACKWARDS or _BACKWARD_NODE.get(first, "").count("Backward") > 1


def not_differentiable(kernel: str, error=NotImplementedError):
    """`no_double` for an op whose backward kernel PyTorch cannot differentiate."""
    if error is NotImplementedError:
        return lambda: NotImplementedError(f"the derivative for '{kernel}' is not implemented.")
    return lambda: error(f"derivative for aten::{kernel} is not implemented")
