#!/usr/bin/env bash
# Render the heldout14 meetings one at a time, at the lowest CPU priority:
# make_speech.py (NAME.turns -> NAME.wav + NAME.txt) -> encode_audio.py (-> NAME.ogg) -> delete the WAV.
# Needs the throwaway venv of tools/make_speech.py's docstring, plus PyAV and PyYAML, in $TTSENV
# (default /tmp/ttsenv14; built here with /work/main/.venv/bin/python -m venv /tmp/ttsenv14).
# The tools are this checkout's tools/ (tests/data/meetings-heldout14 -> ../../../tools); set
# $TOOLS to use another copy (e.g. while this folder is outside a checkout).
# Usage: bash render.sh [NAME ...]   (default: every row of render_plan.tsv)
set -euo pipefail
cd "$(dirname "$0")"
PY=${TTSENV:-/tmp/ttsenv14}/bin/python
TOOLS=${TOOLS:-"$(cd ../../.. && pwd)/tools"}   # this checkout's tools/ (same as /work/main/tools)
tail -n +2 render_plan.tsv | while IFS=$'\t' read -r name seed snr bitrate; do
  if [ $# -gt 0 ] && [[ " $* " != *" $name "* ]]; then continue; fi
  noise=()
  [ "$snr" != none ] && noise=(--snr-db "$snr")
  nice -n 19 "$PY" "$TOOLS/make_speech.py" "$name.turns" "$name.wav" "${noise[@]}" --seed "$seed" 2>/dev/null
  nice -n 19 "$PY" "$TOOLS/encode_audio.py" "$name.wav" "$name.ogg" --bitrate "$bitrate"
  rm -f "$name.wav"
done
