"""The scheduler as a service: the store (`store`), and next the jobs, the API and the page."""
