"""Stage 5, models: hierarchical regression and key-driver analysis."""
