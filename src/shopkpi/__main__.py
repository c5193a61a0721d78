from shopkpi.cli.app import main

main()
