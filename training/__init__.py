"""Read labelled paragraphs, validate them, cross-validate, choose thresholds, fit and save the model."""
