"""Neural-network operators behind torch.nn.functional."""
from __future__ import annotations
