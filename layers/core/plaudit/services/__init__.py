"""Use cases. Every front end (REST, Slack, HRIS, schedules) calls these: a rule holds whatever the door."""
