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
"""Installs the cifar10 package and its console scripts."""

import setuptools

setuptools.setup(
    name='cifar10-tutorial',
    version='1.0.0',
    description=('The TensorFlow CIFAR-10 convolutional network tutorial, '
                 'on TensorFlow 2.x through tensorflow.compat.v1.'),
    license='Apache-2.0',
    packages=['cifar10'],
    python_requires='>=3.9',
    install_requires=[
        'tensorflow>=2.21,<2.22',
        'tensorboard>=2.21,<2.22',
        'numpy>=2.0,<3',
        'six>=1.16,<2',
        'absl-py>=2.0,<3',
    ],
    entry_points={
        'console_scripts': [
            'cifar10_train = cifar10.cifar10_train:run',
            'cifar10_eval = cifar10.cifar10_eval:run',
            'cifar10_multi_gpu_train = cifar10.cifar10_multi_gpu_train:run',
            'cifar10_synthetic = cifar10.cifar10_synthetic:run',
            'cifar10_benchmark = cifar10.cifar10_benchmark:run',
            'cifar10_predict = cifar10.cifar10_predict:run',
        ],
    },
)
