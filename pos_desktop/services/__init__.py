"""Register use cases over the server client. Plain Python: blocking calls, typed results.

Screens call these through presenters in ``ui/`` that run them on worker threads.
"""
