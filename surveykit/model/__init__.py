"""Stage 5, models: hierarchical regression."""
