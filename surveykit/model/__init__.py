"""Model stage: models fitted to scored data (key-driver analysis, ...)."""
