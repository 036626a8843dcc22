from collectctl.cli import main

main()
