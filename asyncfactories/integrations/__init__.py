"""What sits on top of the factories: the pytest plugin's machinery, the linter, and URLs shown
to users with their secrets hidden. The plugin itself is ``asyncfactories.pytest_plugin``."""
