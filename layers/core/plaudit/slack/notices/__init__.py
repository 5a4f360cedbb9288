"""Slack posts made from the domain table's stream (the notifications function): kudos announcements,
milestone and reward notices, voucher deliveries."""
