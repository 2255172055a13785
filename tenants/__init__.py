"""Everything that knows there are many districts lives in this package."""
