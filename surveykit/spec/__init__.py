"""Stage 1, the questionnaire: the YAML definition of items, scales, recodes, indices and the analysis plan."""
