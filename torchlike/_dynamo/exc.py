"""torch._dynamo.exc: the exception names code catches around torch.compile."""


class TorchDynamoException(RuntimeError):
    """Mirrors `torch._dynamo.exc.TorchDynamoException`."""


class Unsupported(TorchDynamoException):
    """Mirrors `torch._dynamo.exc.Unsupported`."""


class BackendCompilerFailed(TorchDynamoException):
    """Mirrors `torch._dynamo.exc.BackendCompilerFailed`."""
