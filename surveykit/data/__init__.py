"""Data stage: reading and validating inputs beside the responses (organisation units, ...)."""
