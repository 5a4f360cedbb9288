"""Bolt listeners: each registers its acks, which answer from the request alone, and names the lazy
listeners that do the work (plaudit.slack.work), imported only when the lazy invocation runs."""
