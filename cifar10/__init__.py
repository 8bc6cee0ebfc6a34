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
"""The TensorFlow CIFAR-10 tutorial on TensorFlow 2.x, in graph mode.

Modules: cifar10_input (reading and preprocessing), cifar10 (the model:
inference, loss, train), and the scripts cifar10_train, cifar10_eval,
cifar10_multi_gpu_train, cifar10_synthetic and cifar10_benchmark.
"""

import os as _os

# Hide TensorFlow's C++ INFO and WARNING lines (GPU probing at start, and
# "Enqueue operation was cancelled" each time the input queues close at a
# normal stop). Errors still print; setting the variable yourself wins.
_os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')

# TensorFlow turns its oneDNN kernels on only for some CPUs; on the others
# (the 2-core AMD machines the README's figures come from) the convolution
# gradients run about 1.5x faster with them. Setting the variable wins.
_os.environ.setdefault('TF_ENABLE_ONEDNN_OPTS', '1')

# A Ctrl-C while a script of the package starts ends it in one line.
from cifar10 import cifar10_dirs as _cifar10_dirs  # pylint: disable=g-import-not-at-top,unused-import
