"""Qt faces of the services: run them on workers, turn outcomes into signals for screens."""
