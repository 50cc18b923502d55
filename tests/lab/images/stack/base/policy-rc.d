#!/bin/sh
# Image builds run no init system: package scripts must not start their daemons (101: not allowed).
exit 101
