"""Person matching: Splink trains the Fellegi-Sunter weights, our scorer applies them (ADR 0002).

`splink_model` defines the comparisons and talks to Splink (training, the dedupe linker's settings);
`levels` is the pure-Python mirror of those comparisons; `scorer` retrieves candidates by blocking
key and scores them; `train` and `match_file` are `safehub people` subcommands.
"""
