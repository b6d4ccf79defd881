"""Use cases between the faces (pages, routes, CLI) and the store: who may do what lives here."""
