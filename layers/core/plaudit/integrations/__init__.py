"""Clients for the outside services Plaudit talks to."""
