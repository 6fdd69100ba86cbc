"""Stage 2, the data: read answer files, validate them against the questionnaire, recode, codebook."""
