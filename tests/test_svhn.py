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
"""--dataset=svhn: reading SVHN's MATLAB files, converting them to CIFAR-10
records, and training, evaluating and predicting on them.

The .mat files here are written by a writer of the test's own, separate from
the package's, following the MATLAB 5 format description, compressed (as the
real SVHN files) and not.
"""

import http.server
import io
import os
import re
import struct
import zlib

import numpy as np
import pytest
import tensorflow.compat.v1 as tf

from cifar10 import cifar10
from cifar10 import cifar10_download
from cifar10 import cifar10_matfile
from cifar10 import cifar10_predict
from cifar10 import cifar10_svhn
from cifar10 import cifar10_synthetic
from conftest import PRECISION_LINE, local_http_server, run_module

# MATLAB 5 constants (the format's documentation).
MI_INT8, MI_UINT8, MI_INT32, MI_UINT32, MI_DOUBLE = 1, 2, 5, 6, 9
MI_MATRIX, MI_COMPRESSED = 14, 15
MX_DOUBLE, MX_UINT8 = 6, 9


def _sub(kind, data, small_ok=True):
  if small_ok and len(data) <= 4:  # Small data element.
    return struct.pack('<HH', kind, len(data)) + data.ljust(4, b'\0')
  return struct.pack('<II', kind, len(data)) + data + b'\0' * (-len(data) % 8)


def _variable(name, mx_class, dims, kind, data, compress):
  body = (_sub(MI_UINT32, struct.pack('<II', mx_class, 0), False) +
          _sub(MI_INT32, struct.pack('<%di' % len(dims), *dims)) +
          _sub(MI_INT8, name.encode()) + _sub(kind, data, False))
  element = struct.pack('<II', MI_MATRIX, len(body)) + body
  if compress:
    packed = zlib.compress(element, 9)
    element = struct.pack('<II', MI_COMPRESSED, len(packed)) + packed
  return element


def _header(text='MATLAB 5.0 MAT-file, Platform: GLNXA64, Created on: test'):
  return (text.encode().ljust(116, b' ') + b'\0' * 8 +
          struct.pack('<H', 0x0100) + b'IM')


def _pixel(r, c, ch, n):
  return (r * 7 + c * 3 + ch * 50 + n * 11) % 256


def _hand_built(path, digits, compress, y_kind=MI_UINT8, extra=True):
  """An SVHN-like .mat: X[r, c, ch, n] = _pixel(...), y = digits (0 as 10).

  Returns:
    the [n, 3, 32, 32] depth-major images a CIFAR-10 record should hold.
  """
  n = len(digits)
  r, c, ch, k = np.meshgrid(np.arange(32), np.arange(32), np.arange(3),
                            np.arange(n), indexing='ij')
  x = _pixel(r, c, ch, k).astype(np.uint8)  # [32, 32, 3, n]
  y = np.array([d if d else 10 for d in digits], np.float64)
  y_data = (y.astype(np.uint8).tobytes() if y_kind == MI_UINT8 else
            y.astype('<f8').tobytes())
  parts = [_header()]
  if extra:  # A variable the reader has to step over.
    parts.append(_variable('note', MX_DOUBLE, (1, 3), MI_DOUBLE,
                           np.array([1.5, 2.5, 3.5], '<f8').tobytes(),
                           compress))
  parts.append(_variable('X', MX_UINT8, (32, 32, 3, n), MI_UINT8,
                         x.tobytes(order='F'), compress))
  parts.append(_variable('y', MX_DOUBLE, (n, 1), y_kind, y_data, compress))
  with open(path, 'wb') as f:
    f.write(b''.join(parts))
  return x.transpose(3, 2, 0, 1)


@pytest.mark.parametrize('compress', [True, False])
@pytest.mark.parametrize('y_kind', [MI_UINT8, MI_DOUBLE])
def test_reading_a_hand_built_mat_file(tmp_path, compress, y_kind):
  digits = [1, 0, 9, 5, 0, 3, 7]
  path = str(tmp_path / 'train_32x32.mat')
  want = _hand_built(path, digits, compress, y_kind)
  arrays, header = cifar10_matfile.read_mat(path)
  assert header.startswith('MATLAB 5.0 MAT-file, Platform: GLNXA64')
  assert sorted(arrays) == ['X', 'note', 'y']
  np.testing.assert_array_equal(arrays['note'], [[1.5, 2.5, 3.5]])
  assert arrays['X'].dtype == np.uint8 and arrays['X'].shape == (32, 32, 3, 7)
  assert arrays['X'][4, 9, 2, 6] == _pixel(4, 9, 2, 6)
  assert arrays['y'].dtype == np.float64 and arrays['y'].shape == (7, 1)
  images, labels, synthetic = cifar10_svhn.load_svhn_mat(path)
  assert labels.tolist() == digits and labels.dtype == np.uint8
  assert not synthetic
  np.testing.assert_array_equal(images.transpose(3, 2, 0, 1), want)


def test_conversion_gives_exact_records(tmp_path):
  train_digits = [(i * 7) % 10 for i in range(23)]
  test_digits = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0]
  want_train = _hand_built(str(tmp_path / 'train_32x32.mat'), train_digits,
                           compress=True)
  want_test = _hand_built(str(tmp_path / 'test_32x32.mat'), test_digits,
                          compress=False)
  batches = cifar10_svhn.maybe_download_and_convert(str(tmp_path), out=None)
  assert batches == str(tmp_path / 'svhn-batches-bin')
  records = []
  for name in cifar10_svhn.TRAIN_FILES:
    data = np.fromfile(os.path.join(batches, name), np.uint8)
    assert data.size % 3073 == 0
    records.append(data.reshape(-1, 3073))
  # 23 records in five files, as evenly as possible, in order.
  assert [len(r) for r in records] == [4, 5, 4, 5, 5]
  train = np.concatenate(records)
  assert train[:, 0].tolist() == train_digits  # 10 became 0.
  np.testing.assert_array_equal(train[:, 1:].reshape(-1, 3, 32, 32),
                                want_train)
  # Byte by byte: record n's pixel (row r, column c) of channel ch.
  assert train[6, 1 + 2 * 1024 + 17 * 32 + 30] == _pixel(17, 30, 2, 6)
  test = np.fromfile(os.path.join(batches, 'test_batch.bin'),
                     np.uint8).reshape(-1, 3073)
  assert test[:, 0].tolist() == test_digits
  np.testing.assert_array_equal(test[:, 1:].reshape(-1, 3, 32, 32), want_test)
  with open(os.path.join(batches, 'batches.meta.txt')) as f:
    assert f.read() == '0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n'
  assert not os.path.exists(os.path.join(batches,
                                         cifar10_download.SYNTHETIC_MARKER))
  # No scratch directory is left; the conversions' lock file stays.
  assert sorted(os.listdir(tmp_path)) == [
      '.cifar10.lock', 'svhn-batches-bin', 'test_32x32.mat',
      'train_32x32.mat']

  # Once: not again while the .mat files stay the same; again if they change.
  stamp = os.stat(os.path.join(batches, 'test_batch.bin')).st_mtime_ns
  cifar10_svhn.maybe_download_and_convert(str(tmp_path), out=None)
  assert os.stat(os.path.join(batches,
                              'test_batch.bin')).st_mtime_ns == stamp
  _hand_built(str(tmp_path / 'test_32x32.mat'), [4, 4], compress=True)
  cifar10_svhn.maybe_download_and_convert(str(tmp_path), out=None)
  test = np.fromfile(os.path.join(batches, 'test_batch.bin'), np.uint8)
  assert test.reshape(-1, 3073)[:, 0].tolist() == [4, 4]


def test_missing_files_are_fetched_with_svhns_size_and_md5(tmp_path,
                                                          monkeypatch):
  calls = []

  def fetch(url, path, expected_size=None, expected_md5=None, **kwargs):
    calls.append((url, path, expected_size, expected_md5, kwargs))
    _hand_built(path, [3], compress=True)
    return path
  monkeypatch.setattr(cifar10_download, 'fetch', fetch)
  _hand_built(str(tmp_path / 'train_32x32.mat'), [2] * 5, compress=True)
  cifar10_svhn.maybe_download_and_convert(str(tmp_path), 'http://mirror/x/',
                                          out=None)
  assert [c[:4] for c in calls] == [(
      'http://mirror/x/test_32x32.mat', str(tmp_path / 'test_32x32.mat'),
      64275384, 'eb5a983be6a315427106f1b164d9cef3')]
  assert cifar10_svhn.TRAIN_MAT == (
      'train_32x32.mat', 182040794, 'e26dedcc434d2e4c54c9b2d4a06d8373', 73257)


class _WrongFile(http.server.BaseHTTPRequestHandler):
  """Serves 1,000 bytes for any path: not SVHN's file."""

  def do_GET(self):  # pylint: disable=invalid-name
    with self.server.lock:
      self.server.requests.append(self.path)
    self.send_response(200)
    self.send_header('Content-Length', '1000')
    self.end_headers()
    self.wfile.write(b'x' * 1000)

  def log_message(self, *args):  # pylint: disable=arguments-differ
    pass


def test_a_download_that_does_not_verify_is_not_kept(tmp_path):
  data_dir = tmp_path / 'data'
  data_dir.mkdir()
  with local_http_server(_WrongFile) as httpd:
    httpd.requests = []
    url = 'http://127.0.0.1:%d/housenumbers/' % httpd.server_address[1]
    with pytest.raises(cifar10_download.DownloadError) as error:
      cifar10_svhn.maybe_download_and_convert(str(data_dir), url,
                                              out=io.StringIO())
    requests = list(httpd.requests)
  message = str(error.value)
  assert message.startswith('Downloading %strain_32x32.mat failed after '
                            % url), message
  assert '182040794' in message
  assert 'e26dedcc434d2e4c54c9b2d4a06d8373' in message
  assert requests and set(requests) == {'/housenumbers/train_32x32.mat'}
  assert os.listdir(data_dir) == []  # Nothing partial, nothing converted.


def _error(path):
  with pytest.raises(cifar10_svhn.SVHNError) as e:
    cifar10_svhn.load_svhn_mat(str(path))
  message = str(e.value)
  assert message.startswith('%s is not an SVHN .mat file: ' % path)
  return message.split(': ', 1)[1].split('. Delete it')[0]


def test_files_that_are_not_svhn_are_named(tmp_path):
  path = tmp_path / 'train_32x32.mat'
  _hand_built(str(path), [1, 2], compress=True)
  good = path.read_bytes()
  path.write_bytes(good[:len(good) - 100])
  assert _error(path) == 'a compressed element is cut off'
  path.write_bytes(good[:126] + b'XX' + good[128:])
  assert _error(path) == 'it has no MATLAB 5 header'
  path.write_bytes(good[:124] + struct.pack('<H', 0x0200) + b'IM' + good[128:])
  assert _error(path) == ('it is a MATLAB 7.3 (HDF5) file (version 0x0200), '
                          'not MATLAB 5; save it with -v7')
  path.write_bytes(b'not a mat file')
  assert _error(path) == 'it is shorter than a MATLAB header'
  path.write_bytes(_header() + _variable('X', MX_UINT8, (32, 32, 3, 1),
                                         MI_UINT8, bytes(3072), True))
  assert _error(path) == 'it has no numeric variable y'
  path.write_bytes(
      _header() +
      _variable('X', MX_UINT8, (32, 32, 1, 2), MI_UINT8, bytes(2048), True) +
      _variable('y', MX_DOUBLE, (2, 1), MI_UINT8, b'\1\2', True))
  assert _error(path) == 'X is uint8 32x32x1x2, not uint8 32x32x3xN'
  path.write_bytes(
      _header() +
      _variable('X', MX_UINT8, (32, 32, 3, 2), MI_UINT8, bytes(6144), True) +
      _variable('y', MX_DOUBLE, (2, 1), MI_UINT8, b'\1\x0b', True))
  assert _error(path) == 'label 11.0 of image 2 is not 1-10'
  with pytest.raises(cifar10_svhn.SVHNError, match='Cannot read'):
    cifar10_svhn.load_svhn_mat(str(tmp_path / 'absent.mat'))


def test_synthetic_generator_never_overwrites_real_files(tmp_path):
  _hand_built(str(tmp_path / 'test_32x32.mat'), [1], compress=True)
  with pytest.raises(ValueError) as error:
    cifar10_svhn.write_synthetic(str(tmp_path), cifar10_synthetic.make_records,
                                 10)
  assert str(error.value) == (
      '%s is not a synthetic file (the real SVHN?); not overwriting it. '
      'Choose another --data_dir.' % (tmp_path / 'test_32x32.mat'))
  assert not (tmp_path / 'train_32x32.mat').exists()


def test_the_schedule_counts_svhn_epochs():
  with tf.Graph().as_default():
    step = tf.placeholder(tf.int64, [])
    rates = {d: cifar10.learning_rate(step, 16, dataset=d)
             for d in ('cifar10', 'svhn')}
    with tf.Session() as sess:
      def lr(d, s):
        return sess.run(rates[d], {step: s})
      svhn_steps = int(73257 / 16 * 350)
      cifar_steps = int(50000 / 16 * 350)
      assert lr('svhn', svhn_steps - 1) == pytest.approx(0.1)
      assert lr('svhn', svhn_steps) == pytest.approx(0.01)
      assert lr('cifar10', cifar_steps - 1) == pytest.approx(0.1)
      assert lr('cifar10', cifar_steps) == pytest.approx(0.01)


def test_synthetic_svhn_train_evaluate_predict(tmp_path):
  data_dir = str(tmp_path / 'svhn_data')
  cifar10_svhn.write_synthetic(data_dir, cifar10_synthetic.make_records, 100)
  _, _, synthetic = cifar10_svhn.load_svhn_mat(
      os.path.join(data_dir, 'test_32x32.mat'))
  assert synthetic
  train_dir = str(tmp_path / 'train')
  proc = run_module('cifar10_train', '--dataset=svhn',
                    '--data_dir=' + data_dir, '--train_dir=' + train_dir,
                    '--max_steps=20', '--batch_size=16', '--log_frequency=10',
                    '--min_fraction_of_examples_in_queue=0.01')
  batches = os.path.join(data_dir, 'svhn-batches-bin')
  assert ('Converted train_32x32.mat (500 images) and test_32x32.mat (100 '
          'images) to %s' % batches) in proc.stdout
  assert ('Filling queue with 732 SVHN images before starting to train.'
          in proc.stdout)
  assert '!!! SYNTHETIC DATA: %s was made by cifar10_synthetic' % batches in (
      proc.stderr)
  assert '!!! from SVHN.' in proc.stderr
  assert os.path.isfile(os.path.join(batches,
                                     cifar10_download.SYNTHETIC_MARKER))

  # SVHN's evaluation set is the default --num_examples: 26,032.
  proc = run_module('cifar10_eval', '--dataset=svhn', '--data_dir=' + data_dir,
                    '--checkpoint_dir=' + train_dir,
                    '--eval_dir=%s' % (tmp_path / 'eval'), '--run_once',
                    check=False)
  assert proc.returncode == 1
  assert proc.stderr.strip().splitlines()[-1] == (
      'cifar10_eval: error: --num_examples=26032 but the test set in %s has '
      '100 images; pass --num_examples=100 or less.' % batches)
  proc = run_module('cifar10_eval', '--dataset=svhn', '--data_dir=' + data_dir,
                    '--checkpoint_dir=' + train_dir,
                    '--eval_dir=%s' % (tmp_path / 'eval'), '--run_once',
                    '--num_examples=100')
  assert len(PRECISION_LINE.findall(proc.stdout)) == 1
  rows = re.findall(r'^  (\d) (\d) +(\d+) +\d\.\d{3}$', proc.stdout, re.M)
  labels = np.fromfile(os.path.join(batches, 'test_batch.bin'),
                       np.uint8).reshape(-1, 3073)[:, 0]
  assert [(int(a), int(b), int(n)) for a, b, n in rows] == [
      (d, d, int(np.sum(labels == d))) for d in range(10)]

  result = cifar10_predict.classify(
      [os.path.join(batches, 'test_batch.bin')], train_dir,
      data_dir=data_dir, dataset='svhn', use_fp16=False)
  assert result['class_names'] == [str(d) for d in range(10)]
  assert [item['label'] for item in result['images']] == labels.tolist()
  line = cifar10_predict.format_line(result['images'][0],
                                     result['class_names'], 3)
  assert re.fullmatch(r'.*test_batch\.bin:0: \d \d\.\d{3}, \d \d\.\d{3}, '
                      r'\d \d\.\d{3} \(label: %d\)' % labels[0], line)
