from ecosystem.cli import main

main()
