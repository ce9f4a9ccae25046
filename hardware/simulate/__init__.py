"""Simulated devices for development and demos: a serial scanner and an ESC/POS printer.

``python -m hardware.simulate scanner`` and ``python -m hardware.simulate printer``; see the
README's "Simulators" section.
"""
