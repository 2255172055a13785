"""Writes of the in-service app: reporting and the information card, the activity registration
card, and the feedback card with its delivery (one module each)."""
