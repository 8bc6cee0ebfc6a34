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
"""The tutorial's flat imports: `import cifar10` from the cifar10/ directory.

The original's modules sit side by side and import each other flatly, and
users fork the tutorial by adding a script beside them. These tests copy the
package's modules to a directory of their own (the repository is not
touched), put scripts there, and run them in fresh processes.
"""

import glob
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

from conftest import PACKAGE_DIR, REPO

# What a forked script sees: which file each module came from, that each is
# loaded once, and that the tutorial's functions are there.
_MODULES_SCRIPT = textwrap.dedent('''\
    import sys
    import cifar10
    import cifar10_input
    import cifar10_train
    import cifar10_eval
    import cifar10_multi_gpu_train
    assert cifar10_train.cifar10 is cifar10
    assert cifar10.cifar10_input is cifar10_input
    assert cifar10_multi_gpu_train.cifar10_train is cifar10_train
    assert 'cifar10.cifar10' not in sys.modules  # No second copy.
    assert callable(cifar10.inference) and callable(cifar10.loss)
    assert callable(cifar10.train)
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    images = tf.zeros([2, 24, 24, 3])
    logits = cifar10.inference(images)
    print('logits', logits.shape.as_list())
    print('files', sorted(m.__file__ for m in (cifar10, cifar10_input,
                                                cifar10_train)))
    ''')

# The original's cifar10_input_test.py, in the same shape: hand-built records
# of one colour per plane, read through a queue, exact keys, labels, pixels.
_INPUT_TEST = textwrap.dedent('''\
    import os
    import tempfile
    import unittest

    import tensorflow.compat.v1 as tf

    import cifar10_input


    class CIFAR10InputTest(tf.test.TestCase):

      def _record(self, label, red, green, blue):
        image_size = 32 * 32
        record = bytes(bytearray([label] + [red] * image_size +
                                 [green] * image_size + [blue] * image_size))
        expected = [[[red, green, blue]] * 32] * 32
        return record, expected

      def testSimple(self):
        labels = [9, 3, 0]
        records = [self._record(labels[0], 0, 128, 255),
                   self._record(labels[1], 255, 0, 1),
                   self._record(labels[2], 254, 255, 0)]
        contents = b''.join([record for record, _ in records])
        expected = [expected for _, expected in records]
        filename = os.path.join(tempfile.mkdtemp(), 'cifar')
        with open(filename, 'wb') as f:
          f.write(contents)

        with self.cached_session() as sess:
          q = tf.FIFOQueue(99, [tf.string], shapes=())
          q.enqueue([filename]).run()
          q.close().run()
          result = cifar10_input.read_cifar10(q)

          for i in range(3):
            key, label, uint8image = sess.run([
                result.key, result.label, result.uint8image])
            self.assertEqual('%s:%d' % (filename, i), tf.compat.as_text(key))
            self.assertEqual(labels[i], label)
            self.assertEqual([1], list(label.shape))
            self.assertAllEqual(expected[i], uint8image)

          with self.assertRaises(tf.errors.OutOfRangeError):
            sess.run([result.key, result.uint8image])


    if __name__ == '__main__':
      tf.disable_v2_behavior()
      unittest.main()
    ''')


@pytest.fixture()
def tutorial_dir(tmp_path):
  """A copy of the package's modules, as the original's directory was."""
  directory = tmp_path / 'cifar10'
  directory.mkdir()
  for path in glob.glob(os.path.join(PACKAGE_DIR, 'cifar10*.py')):
    shutil.copy(path, str(directory))
  return directory


def _run(args, cwd, env_extra=None):
  env = {k: v for k, v in os.environ.items() if k != 'PYTHONPATH'}
  env.update(env_extra or {})
  return subprocess.run([sys.executable] + args, cwd=str(cwd), env=env,
                        capture_output=True, text=True, timeout=120)


def test_a_script_beside_the_modules_imports_them_flatly(tutorial_dir):
  (tutorial_dir / 'my_experiment.py').write_text(_MODULES_SCRIPT)
  proc = _run(['my_experiment.py'], tutorial_dir)
  assert proc.returncode == 0, proc.stderr[-3000:]
  assert 'logits [2, 10]' in proc.stdout
  # Each module came from this directory, not from an installed package.
  assert proc.stdout.count(str(tutorial_dir)) == 3, proc.stdout


def test_an_interactive_session_in_the_directory(tutorial_dir):
  proc = _run(['-c', _MODULES_SCRIPT], tutorial_dir)
  assert proc.returncode == 0, proc.stderr[-3000:]
  assert 'logits [2, 10]' in proc.stdout


def test_pythonpath_names_the_directory(tutorial_dir, tmp_path):
  elsewhere = tmp_path / 'elsewhere'
  elsewhere.mkdir()
  proc = _run(['-c', _MODULES_SCRIPT], elsewhere,
              {'PYTHONPATH': str(tutorial_dir)})
  assert proc.returncode == 0, proc.stderr[-3000:]
  assert 'logits [2, 10]' in proc.stdout


def test_the_originals_input_test_passes_with_flat_imports(tutorial_dir):
  (tutorial_dir / 'cifar10_input_test.py').write_text(_INPUT_TEST)
  proc = _run(['cifar10_input_test.py'], tutorial_dir)
  assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
  assert 'Ran 2 tests' in proc.stderr and '\nOK' in proc.stderr


def test_the_package_import_is_one_module_per_file():
  script = textwrap.dedent('''\
      import sys
      from cifar10 import cifar10, cifar10_input, cifar10_train
      assert cifar10_train.cifar10 is cifar10
      assert cifar10.cifar10_input is cifar10_input
      flat = [m for m in ('cifar10_input', 'cifar10_train') if m in sys.modules]
      assert not flat, flat
      print('ok', cifar10.__name__)
      ''')
  proc = _run(['-c', script], REPO)
  assert proc.returncode == 0, proc.stderr[-3000:]
  assert 'ok cifar10.cifar10' in proc.stdout
