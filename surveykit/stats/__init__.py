"""Shared numerical kernels used by several stages (multiple-testing adjustment, ...)."""
