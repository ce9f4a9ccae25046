"""Renderers of the domain's ``Receipt``: PDF now, the ESC/POS printer later."""
