from botx_cli.cli.main import main

main()
