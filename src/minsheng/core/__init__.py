"""Framework-free computation for Minsheng. Nothing in this package imports Django
(an import-linter contract enforces it), so every function here runs in a notebook or a
command on files."""
