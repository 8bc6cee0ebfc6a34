# Copyright 2026 The cifar10 tutorial package authors.
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at
#
#     http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.
# ==============================================================================

"""MATLAB 5 (.mat) files, read and written with numpy and zlib.

SVHN's data come as MATLAB 5 files (cifar10_svhn): a 128-byte header, then
one element per variable, each a matrix (miMATRIX) or, as in the real SVHN
files, a zlib-compressed matrix (miCOMPRESSED). The few lines here read and
write exactly that, so no MATLAB or SciPy reader is needed; anything else is
a MatFileError.

Summary of available functions:

 # The variables of a MATLAB 5 file, and its header text.
 arrays, header = read_mat(path, names=('X', 'y'))

 # Writes one (compressed, as the SVHN files, by default).
 write_mat(path, [('X', x), ('y', y, np.uint8)])

This module does not import TensorFlow.
"""

from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import math
import struct
import zlib

import numpy as np

# MATLAB 5 element types (miINT8 ...) as numpy dtypes, and array classes.
_MI_MATRIX = 14
_MI_COMPRESSED = 15
_MI_TYPES = {1: 'i1', 2: 'u1', 3: 'i2', 4: 'u2', 5: 'i4', 6: 'u4', 7: 'f4',
             9: 'f8', 12: 'i8', 13: 'u8'}
_MX_CLASSES = {6: 'f8', 7: 'f4', 8: 'i1', 9: 'u1', 10: 'i2', 11: 'u2',
               12: 'i4', 13: 'u4', 14: 'i8', 15: 'u8'}
_COMPLEX_FLAG = 0x0800
_HEADER_BYTES = 128


class MatFileError(ValueError):
  """A file is not a MATLAB 5 file this reader understands."""


def _pad8(n):
  return (n + 7) // 8 * 8


def _element(buf, pos, endian):
  """Reads the data element at buf[pos:].

  Returns:
    (type, start, nbytes, next): the element's data is buf[start:start +
    nbytes]; the next element starts at next.
  """
  if pos + 8 > len(buf):
    raise MatFileError('an element is cut off at byte %d' % pos)
  first, second = struct.unpack_from(endian + 'II', buf, pos)
  if first >> 16:  # Small element: type and size in 4 bytes, data in 4.
    if first >> 16 > 4:
      raise MatFileError('a small element at byte %d claims %d bytes'
                         % (pos, first >> 16))
    return first & 0xffff, pos + 4, first >> 16, pos + 8
  if pos + 8 + second > len(buf):
    raise MatFileError('an element of %d bytes at byte %d is cut off'
                       % (second, pos))
  return first, pos + 8, second, pos + 8 + _pad8(second)


def _numbers(buf, start, nbytes, mi_type, endian):
  if mi_type not in _MI_TYPES:
    raise MatFileError('unsupported element type %d' % mi_type)
  dtype = np.dtype(_MI_TYPES[mi_type]).newbyteorder(endian)
  return np.frombuffer(buf, dtype, nbytes // dtype.itemsize, start)


def _matrix(buf, start, nbytes, endian):
  """Parses an miMATRIX element's data: returns (name, array or None)."""
  end = start + nbytes
  parts = []
  pos = start
  while pos < end and len(parts) < 4:
    kind, data, size, pos = _element(buf, pos, endian)
    parts.append((kind, data, size))
  if len(parts) < 3:
    raise MatFileError('a matrix element has %d parts' % len(parts))
  flags = _numbers(buf, parts[0][1], parts[0][2], parts[0][0], endian)
  if not flags.size:
    raise MatFileError('a matrix element has empty array flags')
  mx_class = int(flags[0]) & 0xff
  dims = tuple(int(d) for d in _numbers(buf, parts[1][1], parts[1][2],
                                        parts[1][0], endian))
  if len(dims) < 2 or min(dims) < 0:
    raise MatFileError('a matrix element has dimensions %s'
                       % ('x'.join(map(str, dims)) or 'none'))
  name = bytes(buf[parts[2][1]:parts[2][1] + parts[2][2]]).decode(
      'ascii', 'replace')
  if (mx_class not in _MX_CLASSES or int(flags[0]) & _COMPLEX_FLAG or
      len(parts) < 4):
    return name, None  # Cells, structures, sparse, complex: not ours.
  kind, data, size = parts[3]
  values = _numbers(buf, data, size, kind, endian)
  if values.size != math.prod(dims):
    raise MatFileError('%s holds %d values for dimensions %s'
                       % (name, values.size, 'x'.join(map(str, dims))))
  # MATLAB stores arrays column-major and may store them in a smaller type
  # than their class (a double array of small integers as uint8).
  values = values.reshape(dims, order='F')
  target = np.dtype(_MX_CLASSES[mx_class])
  if values.dtype != target:
    values = values.astype(target)
  return name, values


def _decompress(f, nbytes):
  """Inflates nbytes of zlib data from f, 1 MB at a time."""
  inflater = zlib.decompressobj()
  out = bytearray()
  left = nbytes
  try:
    while left:
      chunk = f.read(min(left, 1 << 20))
      if not chunk:
        raise MatFileError('a compressed element is cut off')
      left -= len(chunk)
      out += inflater.decompress(chunk)
    out += inflater.flush()
  except zlib.error as e:
    raise MatFileError('a compressed element is damaged (%s)' % e)
  if not inflater.eof:
    raise MatFileError('a compressed element ends early')
  return out


def read_mat(path, names=None):
  """Reads the numeric arrays of a MATLAB 5 (-v6 or -v7) .mat file.

  Args:
    path: str.
    names: if given, only these variables are returned (others are skipped
      without being inflated into arrays).

  Returns:
    (arrays, header): dict of variable name to numpy array in MATLAB's shape
    and class (uint8, double, ...), and the file's header text.

  Raises:
    MatFileError: if the file is not a MATLAB 5 file or is damaged (saying
      how: a cut-off or corrupt element, a failed zlib check ...); MATLAB
      7.3 files are HDF5 and not read here.
    IOError: if it cannot be read.
  """
  arrays = {}
  with open(path, 'rb') as f:
    header = f.read(_HEADER_BYTES)
    if len(header) < _HEADER_BYTES:
      raise MatFileError('it is shorter than a MATLAB header')
    text = header[:116].decode('latin-1').rstrip(' \0')
    if header[126:128] == b'IM':
      endian = '<'
    elif header[126:128] == b'MI':
      endian = '>'
    else:
      raise MatFileError('it has no MATLAB 5 header')
    version = struct.unpack(endian + 'H', header[124:126])[0]
    if version != 0x0100:
      raise MatFileError(
          'it is a MATLAB %s file (version 0x%04x), not MATLAB 5; save it '
          'with -v7' % ('7.3 (HDF5)' if version == 0x0200 else 'unknown',
                        version))
    try:
      while True:
        tag = f.read(8)
        if not tag:
          break
        if len(tag) < 8:
          raise MatFileError('it ends inside an element')
        kind, nbytes = struct.unpack(endian + 'II', tag)
        if kind == _MI_COMPRESSED:
          buf = _decompress(f, nbytes)  # Not padded after compressed data.
          kind, start, size, _ = _element(buf, 0, endian)
        else:
          buf = f.read(_pad8(nbytes))
          if len(buf) < nbytes:
            raise MatFileError('it ends inside an element')
          start, size = 0, nbytes
        if kind != _MI_MATRIX:
          continue
        name, array = _matrix(memoryview(buf), start, size, endian)
        if array is not None and (names is None or name in names):
          arrays[name] = array
    except MatFileError:
      raise
    except (ValueError, IndexError, TypeError, OverflowError,
            struct.error) as e:
      # What the checks above do not foresee, e.g. an array too large.
      raise MatFileError('it is malformed (%s)' % e)
  return arrays, text


def _tag(kind, data):
  """One element: small format for up to 4 bytes (as MATLAB writes)."""
  if len(data) <= 4:
    return struct.pack('<HH', kind, len(data)) + data.ljust(4, b'\0')
  return (struct.pack('<II', kind, len(data)) + data +
          b'\0' * (_pad8(len(data)) - len(data)))


def write_mat(path, arrays, compress=True,
              header_text='MATLAB 5.0 MAT-file'):
  """Writes numeric arrays as a little-endian MATLAB 5 file.

  Args:
    path: str.
    arrays: list of (name, array) or (name, array, stored_dtype): each array
      keeps its class (its dtype) and may be stored in a smaller numpy dtype
      that holds its values, as MATLAB does.
    compress: each variable as a zlib-compressed element (MATLAB's -v7
      default, and the SVHN files'); False: plain elements (-v6).
    header_text: the descriptive text of the header (up to 116 bytes).
  """
  classes = {np.dtype(v): k for k, v in _MX_CLASSES.items()}
  types = {np.dtype(v): k for k, v in _MI_TYPES.items()}
  with open(path, 'wb') as f:
    f.write(header_text.encode('latin-1')[:116].ljust(116, b' ') +
            b'\0' * 8 + struct.pack('<H', 0x0100) + b'IM')
    for entry in arrays:
      name, array = entry[0], np.asarray(entry[1])
      stored = np.dtype(entry[2]) if len(entry) > 2 else array.dtype
      dims = array.shape if array.ndim >= 2 else (1, array.size)
      body = (_tag(6, struct.pack('<II', classes[array.dtype], 0)) +
              _tag(5, np.asarray(dims, '<i4').tobytes()) +
              _tag(1, name.encode('ascii')) +
              _tag(types[stored], array.astype(stored.newbyteorder('<'))
                   .tobytes(order='F')))
      element = struct.pack('<II', _MI_MATRIX, len(body)) + body
      if compress:
        packed = zlib.compress(element)
        element = struct.pack('<II', _MI_COMPRESSED, len(packed)) + packed
      f.write(element)
