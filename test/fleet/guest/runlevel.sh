#!/bin/sh
# The runlevel of a test-fleet host: always the multi-user level 2 (no previous level).
echo "N 2"
