"""Discord extensions, one per job; each module with a ``setup()`` is loaded at start-up."""
