"""One module per rule family; the order they are added in lives in `scheduler.cpsat.model`."""
