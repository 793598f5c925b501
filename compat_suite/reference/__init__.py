"""Reference data written with real torchvision, and the rule for the weights it was made with."""
