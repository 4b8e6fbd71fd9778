"""CLI subcommands, grouped in modules; ``broadcaster.cli`` lists those in COMMANDS.

A command's module is imported only when that command runs (or its own ``--help`` is asked
for), so ``broadcaster --version`` and ``--help`` never pay for the audio stack. The one-line
help shown by ``broadcaster --help`` is kept here for the same reason; a test checks that it
matches each command's docstring. A subcommand is listed only once it works (the CLI
contract: no placeholder commands).
"""

from __future__ import annotations

from typing import NamedTuple


class CommandEntry(NamedTuple):
    """Where a subcommand lives: module in this package, click command object, one-line help."""

    module: str
    attr: str
    short_help: str


# command name -> where it lives; the short help is the first sentence of its docstring
COMMANDS: dict[str, CommandEntry] = {
    "init": CommandEntry("station_cmds", "init",
                         "Create a new station folder (station.yaml, schedules/, audio/, inbox/)."),
    "run": CommandEntry("station_cmds", "run",
                        "Run the station: air the schedule on time until stopped (production)."),
    "demo": CommandEntry("station_cmds", "demo",
                         "Run the station with a one-off demo slot a few seconds ahead."),
    "devices": CommandEntry("station_cmds", "devices",
                            "List the sound outputs PortAudio sees (the station plays on one of"
                            " them)."),
    "log": CommandEntry("station_cmds", "log_cmd",
                        "Show the as-run log: what aired, when, and what became of each slot."),
    "validate": CommandEntry("schedule_cmds", "validate",
                             "Check schedule files (default: all in schedules/); exit 0 if valid,"
                             " 1 if not."),
    "program": CommandEntry("schedule_cmds", "program",
                            "Build SLOT's program from the schedule and print its rundown."),
    "status": CommandEntry("control_cmds", "status",
                           "What is on air, the next slots, and the output in use."),
    "skip": CommandEntry("control_cmds", "skip",
                         "Fade out the program on air now (logged as interrupted)."),
    "stop": CommandEntry("control_cmds", "stop", "Stop the running station cleanly."),
    "load": CommandEntry("control_cmds", "load",
                         "Validate a schedule file and install it in the running station at"
                         " once; says which slots it adds, removes and moves (removing slots"
                         " needs --yes)."),
    "emergency": CommandEntry("control_cmds", "emergency",
                              "Interrupt now: alert tone and the message, then the schedule"
                              " resumes."),
    "live": CommandEntry("live_cmds", "live",
                         "Go live from the microphone or line input (start / stop)."),
    "render": CommandEntry("speech_cmds", "render",
                           "Speak a bulletin FILE into a WAV file, with the station's engines and"
                           " settings."),
    "engines": CommandEntry("speech_cmds", "engines",
                            "List speech engines in the station's order, their voices and"
                            " health."),
    "text": CommandEntry("text_cmd", "text",
                         "Print the spoken script of FILE (or - for standard input), one sentence"
                         " per line."),
    "bulletins": CommandEntry("inbox_cmds", "bulletins",
                              "List bulletins: source file, state, air window, times aired, next"
                              " airing, reasons."),
    "approve": CommandEntry("inbox_cmds", "approve",
                            "Approve a bulletin for air (pinned to its current content)."),
    "reject": CommandEntry("inbox_cmds", "reject",
                           "Refuse a bulletin; it never airs (the editor may drop a corrected"
                           " file)."),
    "withdraw": CommandEntry("inbox_cmds", "withdraw",
                             "Take a bulletin off air before its next airing."),
    "doctor": CommandEntry("ops_cmds", "doctor",
                           "Check device, speech engines, disk, clock, schedule, inbox; a verdict"
                           " per check."),
    "report": CommandEntry("ops_cmds", "report",
                           "Monthly report: airings per slot and bulletin, emergencies,"
                           " late/missed, airtime."),
    "web": CommandEntry("web_cmds", "web_cmd",
                        "Run the web desk alone against the station folder (broadcaster run"
                        " starts it itself)."),
    "user": CommandEntry("web_cmds", "user", "Web desk accounts: add, passwd, remove, list."),
    "published": CommandEntry("publish_cmds", "published",
                              "Show what was posted to the social pages: where, when, the post id"
                              " or the error."),
}
