#!/usr/bin/python3
"""exit_status.py STATUS COMMAND ARGS...: runs COMMAND, passes its output on,
and succeeds only if it exited with STATUS (so `not` would also accept 2,
and `STATUS` here is exact); a signal is a failure whatever STATUS is."""
import subprocess
import sys

want = int(sys.argv[1])
status = subprocess.run(sys.argv[2:]).returncode
if status != want:
    sys.stderr.write("exit_status.py: %s exited with %d, expected %d\n" %
                     (sys.argv[2], status, want))
    sys.exit(1)
