"""Voter excuses on election day, for voters more than 200 km from their polling station."""
