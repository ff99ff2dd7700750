"""Complaints and commendations about police officers, routed to the commander of the precinct concerned."""
