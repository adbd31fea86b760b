"""Dialog content: YAML files read into a validated, immutable model."""
