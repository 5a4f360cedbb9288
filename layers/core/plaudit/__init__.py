"""Plaudit: employee recognition and incentives."""
