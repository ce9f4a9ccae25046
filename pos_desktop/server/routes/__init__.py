"""One router per resource of shared/API.md."""
