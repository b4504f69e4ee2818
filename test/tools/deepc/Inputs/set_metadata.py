#!/usr/bin/python3
"""set_metadata.py IN OUT KEY [VALUE]: copies a safetensors file with the
metadata KEY set to VALUE, or removed without VALUE."""
import json
import struct
import sys

src, dst, key = sys.argv[1:4]
blob = open(src, "rb").read()
n = struct.unpack("<Q", blob[:8])[0]
header = json.loads(blob[8:8 + n])
meta = header.setdefault("__metadata__", {})
if len(sys.argv) > 4:
    meta[key] = sys.argv[4]
else:
    meta.pop(key, None)
text = json.dumps(header).encode()
text += b" " * (-len(text) % 8)
open(dst, "wb").write(struct.pack("<Q", len(text)) + text + blob[8 + n:])
