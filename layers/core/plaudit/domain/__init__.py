"""Pure rules and models. Nothing here imports AWS."""
