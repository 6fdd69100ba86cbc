"""Shared numerical kernels: value codes, pairwise moments, distribution functions, column threads."""
