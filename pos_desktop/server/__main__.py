from pos_desktop.server.cli import main

main()
