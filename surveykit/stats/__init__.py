"""Shared numerical kernels: value codes, pairwise moments, distribution functions, multiple-testing
adjustment, design matrices, column threads."""
