#!/bin/sh
# Test-fleet hosts start services on package installation, as a booted machine does.
exit 0
