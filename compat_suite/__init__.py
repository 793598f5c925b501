"""Cases run against both real PyTorch and torchlike, compared value by value."""
