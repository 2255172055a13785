"""Writes of activities (activity.py, participants.py) and volunteer teams (teams.py)."""
