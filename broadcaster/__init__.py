"""broadcaster: unattended automation for Vietnamese ward/commune loudspeaker radio stations.

A bulletin travels ``inbox -> text -> speech -> program -> air``; each stage is a subpackage.
"""

__version__ = "0.1.0"
STATION_FILE = "station.yaml"  # the file that makes a folder a station
