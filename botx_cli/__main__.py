from botx_cli.cli import main

main()
