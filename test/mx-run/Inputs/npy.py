#!/usr/bin/env python3
"""npy.py: writes and reads NumPy .npy files with the standard library only
(the tests must not need numpy).

  npy.py write OUT DESCR SHAPE VALUES [--version=2] [--fortran] [--drop=N]
      DESCR: <f8 <f4 <f2 <u2 <i8 <i4 <i2 |i1 |b1 |u1 (>... big-endian).
      SHAPE: 2x32, 4, or 'scalar' (0-d). VALUES: a Python expression in the
      flat index i (e.g. 'i % 9 - 4'), or a comma-separated list. --drop
      removes the last N bytes (a truncated file).
  npy.py read FILE [--bf16]
      Prints the header, then '  [i, j] 0xBITS VALUE' per element, as
      mx-run --print-results does (--bf16: '<u2' holds bf16 bits). Fails
      unless the file is well formed and its data 64-byte aligned.
"""
import ast
import struct
import sys

CODES = {'f8': 'd', 'f4': 'f', 'f2': 'e', 'u2': 'H', 'i8': 'q', 'i4': 'i',
         'i2': 'h', 'i1': 'b', 'b1': '?', 'u1': 'B'}
UNSIGNED = {1: 'B', 2: 'H', 4: 'I', 8: 'Q'}


def write(argv):
    out, descr, shape, values = argv[:4]
    opts = dict(a[2:].split('=', 1) if '=' in a else (a[2:], '1')
                for a in argv[4:])
    dims = () if shape == 'scalar' else tuple(int(d) for d in shape.split('x'))
    count = 1
    for d in dims:
        count *= d
    if ',' in values or values.strip().lstrip('-').isdigit():
        data = [ast.literal_eval(v) for v in values.split(',')]
    else:
        data = [eval(values, {'i': i}) for i in range(count)]
    order = '>' if descr[0] == '>' else '<'
    payload = struct.pack(order + CODES[descr[1:]] * len(data), *data)
    shape_text = '(%s%s)' % (', '.join(map(str, dims)),
                             ',' if len(dims) == 1 else '')
    header = "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (
        descr, 'True' if 'fortran' in opts else 'False', shape_text)
    version = int(opts.get('version', '1'))
    length_size = 2 if version == 1 else 4
    used = 8 + length_size + len(header) + 1
    header += ' ' * ((64 - used % 64) % 64) + '\n'
    blob = (b'\x93NUMPY' + bytes([version, 0]) +
            len(header).to_bytes(length_size, 'little') +
            header.encode('latin1') + payload)
    blob = blob[:len(blob) - int(opts.get('drop', '0'))]
    with open(out, 'wb') as f:
        f.write(blob)


def read(argv):
    with open(argv[0], 'rb') as f:
        blob = f.read()
    assert blob[:6] == b'\x93NUMPY', 'bad magic'
    version = blob[6]
    length_size = 2 if version == 1 else 4
    length = int.from_bytes(blob[8:8 + length_size], 'little')
    start = 8 + length_size + length
    assert start % 64 == 0, 'data not 64-byte aligned'
    header = blob[8 + length_size:start].decode('latin1')
    assert header.endswith('\n'), 'header does not end in a newline'
    d = ast.literal_eval(header)
    assert sorted(d) == ['descr', 'fortran_order', 'shape'], d
    descr, dims = d['descr'], d['shape']
    print('%s %s fortran_order=%s version=%d.0' % (descr, dims,
                                                    d['fortran_order'],
                                                    version))
    size = struct.calcsize(CODES[descr[1:]])
    count = 1
    for n in dims:
        count *= n
    data = blob[start:]
    assert len(data) == count * size, 'byte count'
    bf16 = '--bf16' in argv[1:]
    index = [0] * len(dims)
    for k in range(count):
        raw = data[k * size:(k + 1) * size]
        bits = struct.unpack('<' + UNSIGNED[size], raw)[0]
        if bf16:
            value = '%.9g' % struct.unpack('<f', struct.pack('<I', bits << 16))[0]
        elif descr[1] == 'f':
            v = struct.unpack('<' + CODES[descr[1:]], raw)[0]
            value = ('%.17g' if size == 8 else '%.9g') % v
        else:
            value = '%d' % int(struct.unpack('<' + CODES[descr[1:]], raw)[0])
        print('  [%s] 0x%0*x %s' % (', '.join(map(str, index)), 2 * size, bits,
                                    value))
        for j in reversed(range(len(dims))):
            index[j] += 1
            if index[j] < dims[j]:
                break
            index[j] = 0


if __name__ == '__main__':
    {'write': write, 'read': read}[sys.argv[1]](sys.argv[2:])
