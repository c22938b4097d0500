#!/usr/bin/env python3
"""Independent PNG decoder for checking aezoo's PNG writer: standard library only (zlib, struct).

Checks the signature and every chunk's CRC-32, inflates the IDAT stream, undoes all five scanline
filter types, and prints "width height channels" on one line and the pixels as hex on the next.
Supports 8-bit greyscale (colour type 0) and RGB (colour type 2), non-interlaced: what aezoo writes.

    python3 tools/pngcheck/pngdecode.py picture.png
"""
import struct, sys, zlib
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n', 'bad signature'
pos, idat, ihdr, types = 8, b'', None, []
while pos < len(data):
    length, ctype = struct.unpack('>I4s', data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    (crc,) = struct.unpack('>I', data[pos + 8 + length:pos + 12 + length])
    assert zlib.crc32(ctype + body) & 0xffffffff == crc, 'bad CRC in ' + ctype.decode()
    types.append(ctype.decode())
    if ctype == b'IHDR': ihdr = struct.unpack('>IIBBBBB', body)
    if ctype == b'IDAT': idat += body
    pos += 12 + length
assert types[0] == 'IHDR' and types[-1] == 'IEND', types
w, h, depth, color, comp, filt, interlace = ihdr
assert depth == 8 and comp == 0 and filt == 0 and interlace == 0
ch = {0: 1, 2: 3}[color]
raw = zlib.decompress(idat)
stride = w * ch
out, prev = bytearray(), bytearray(stride)
for y in range(h):
    f = raw[y * (stride + 1)]
    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - ch] if i >= ch else 0
        b = prev[i]
        c = prev[i - ch] if i >= ch else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        else: assert f == 0, 'bad filter'
    out += line
    prev = line
print(w, h, ch)
print(out.hex())
