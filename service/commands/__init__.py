"""One module per `policy-themes` subcommand."""
