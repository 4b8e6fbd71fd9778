"""CLI subcommands, one module each; ``broadcaster.cli`` registers those listed in COMMANDS.

A subcommand is listed only once it works (the CLI contract: no placeholder commands).
"""

# module name in this package -> name of the click command object in it
COMMANDS: list[tuple[str, str]] = [
    ("station_cmds", "init"),
    ("station_cmds", "run"),
    ("station_cmds", "demo"),
    ("station_cmds", "devices"),
    ("station_cmds", "log_cmd"),
    ("schedule_cmds", "validate"),
    ("schedule_cmds", "program"),
    ("control_cmds", "status"),
    ("control_cmds", "skip"),
    ("control_cmds", "stop"),
    ("control_cmds", "load"),
    ("control_cmds", "emergency"),
    ("speech_cmds", "render"),
    ("speech_cmds", "engines"),
    ("text_cmd", "text"),
    ("inbox_cmds", "bulletins"),
    ("inbox_cmds", "approve"),
    ("inbox_cmds", "reject"),
    ("inbox_cmds", "withdraw"),
    ("ops_cmds", "doctor"),
    ("ops_cmds", "report"),
    ("web_cmds", "web_cmd"),
    ("web_cmds", "user"),
]
